// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobe_bench.c - cost per hit, capacity and memory of kretprobes.
 *
 * Uses only the upstream kprobes and fprobe API, so the same module runs on
 * the base kernel and on the series.  Driven by bench/guest.sh: write a
 * command to /sys/kernel/debug/kretprobe_bench/cmd, read the answer from
 * .../out.
 *
 *   cost TASKS       ns per call of a trivial function, BENCH_ROUNDS
 *                    rounds of BENCH_CALLS calls in each of TASKS kthreads
 *                    (one per CPU), the rows interleaved round by round so
 *                    that a slow spell of the emulator hits them alike;
 *                    answer one line per row: "ROW median min max" or
 *                    "ROW n/a".  Rows: none, kprobe, kretprobe
 *                    (ftrace-based where the arch has it), kretprobe_trap
 *                    (a function ftrace does not patch, so a breakpoint or
 *                    jump-optimized probe), fprobe.
 *   capacity N       N kthreads enter a probed sleeping function and stay
 *                    there together (default maxactive); answer
 *                    "N entered missed".
 *   probes N         register N kretprobes (default maxactive, 16-byte
 *                    data) on one function; "probes 0" unregisters them.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fprobe.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define BENCH_CALLS	20000
#define BENCH_ROUNDS	15
#define BENCH_WAIT	(120 * HZ)
#define BENCH_TASKS	64	/* at most, one per CPU */

static char bench_out[512];

/* The probed functions: trivial, out of line, not folded by the compiler. */
static noinline __noipa unsigned long bench_target(unsigned long x)
{
	return x + 1;
}

static noinline notrace __noipa unsigned long bench_target_trap(unsigned long x)
{
	return x + 1;
}

/* The handlers: keep 16 bytes at entry, use them at return. */
struct bench_data {
	u64 arg;
	u64 seq;
};

static atomic_long_t bench_sink;
/* Calls whose probe handlers ran to the end: a row must probe every call. */
static atomic_long_t bench_hits;

static int bench_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bench_data *d = (struct bench_data *)ri->data;

	d->arg = regs_get_kernel_argument(regs, 0);
	d->seq = d->arg * 3;
	return 0;
}

static int bench_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct bench_data *d = (struct bench_data *)ri->data;

	if (regs_return_value(regs) != d->arg + 1 || d->seq != d->arg * 3)
		atomic_long_inc(&bench_sink);
	atomic_long_inc(&bench_hits);
	return 0;
}

static int bench_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_long_inc(&bench_hits);
	return 0;
}

static int bench_fentry(struct fprobe *fp, unsigned long ip,
			unsigned long ret_ip, struct pt_regs *regs, void *data)
{
	struct bench_data *d = data;

	d->arg = regs_get_kernel_argument(regs, 0);
	d->seq = d->arg * 3;
	return 0;
}

static void bench_fexit(struct fprobe *fp, unsigned long ip,
			unsigned long ret_ip, struct pt_regs *regs, void *data)
{
	struct bench_data *d = data;

	if (regs_return_value(regs) != d->arg + 1 || d->seq != d->arg * 3)
		atomic_long_inc(&bench_sink);
	atomic_long_inc(&bench_hits);
}

static struct kprobe bench_kp;
static struct kretprobe bench_rp;
static struct fprobe bench_fp;

static void bench_prepare_rp(struct kretprobe *rp, const char *sym)
{
	memset(rp, 0, sizeof(*rp));
	rp->kp.symbol_name = sym;
	rp->entry_handler = bench_entry;
	rp->handler = bench_return;
	rp->data_size = sizeof(struct bench_data);
}

/* Set up the probe of @row; returns the function to call, or an error. */
static int bench_arm(const char *row, unsigned long (**fn)(unsigned long))
{
	*fn = bench_target;
	if (!strcmp(row, "none"))
		return 0;
	if (!strcmp(row, "kprobe")) {
		memset(&bench_kp, 0, sizeof(bench_kp));
		bench_kp.symbol_name = "bench_target";
		bench_kp.pre_handler = bench_pre;
		return register_kprobe(&bench_kp);
	}
	if (!strcmp(row, "kretprobe")) {
		bench_prepare_rp(&bench_rp, "bench_target");
		return register_kretprobe(&bench_rp);
	}
	if (!strcmp(row, "kretprobe_trap")) {
		*fn = bench_target_trap;
		bench_prepare_rp(&bench_rp, "bench_target_trap");
		return register_kretprobe(&bench_rp);
	}
	if (!strcmp(row, "fprobe")) {
		if (!IS_ENABLED(CONFIG_FPROBE))
			return -EOPNOTSUPP;
		memset(&bench_fp, 0, sizeof(bench_fp));
		bench_fp.entry_handler = bench_fentry;
		bench_fp.exit_handler = bench_fexit;
		bench_fp.entry_data_size = sizeof(struct bench_data);
		return register_fprobe(&bench_fp, "bench_target", NULL);
	}
	return -EINVAL;
}

/* Undo bench_arm(); returns how many calls the probe missed. */
static unsigned long bench_disarm(const char *row)
{
	unsigned long missed = 0;

	if (!strcmp(row, "kprobe")) {
		unregister_kprobe(&bench_kp);
		missed = bench_kp.nmissed;
	} else if (!strncmp(row, "kretprobe", 9)) {
		unregister_kretprobe(&bench_rp);
		missed = bench_rp.nmissed + bench_rp.kp.nmissed;
	} else if (!strcmp(row, "fprobe")) {
		unregister_fprobe(&bench_fp);
		missed = bench_fp.nmissed;
	}
	return missed;
}

/* One round: every task makes BENCH_CALLS calls, all starting together. */
struct bench_round {
	unsigned long (*fn)(unsigned long x);
	atomic_t ready;
	bool go;
	wait_queue_head_t wq;
	struct completion done[BENCH_TASKS];
	u64 ns[BENCH_TASKS];
	int tasks;	/* started */
};

static struct bench_round *bench_round;

static int bench_thread(void *data)
{
	struct bench_round *r = bench_round;
	long i = (long)data;
	unsigned long (*fn)(unsigned long x) = r->fn;
	unsigned long sum = 0;
	u64 t0;
	int n;

	atomic_inc(&r->ready);
	wait_event(r->wq, READ_ONCE(r->go));
	t0 = ktime_get_ns();
	for (n = 0; n < BENCH_CALLS; n++)
		sum += fn(n);
	r->ns[i] = ktime_get_ns() - t0;
	if (sum != (unsigned long)BENCH_CALLS * (BENCH_CALLS + 1) / 2)
		atomic_long_inc(&bench_sink);
	complete(&r->done[i]);
	return 0;
}

/* ns per call of one round with @tasks kthreads, one per online CPU. */
static int bench_one_round(unsigned long (*fn)(unsigned long), int tasks,
			   u64 *ns_per_call)
{
	struct bench_round *r = bench_round;
	struct task_struct *t;
	int cpu, i = 0;
	u64 worst = 0;

	memset(r, 0, sizeof(*r));
	r->fn = fn;
	init_waitqueue_head(&r->wq);
	for_each_online_cpu(cpu) {
		if (i == tasks)
			break;
		init_completion(&r->done[i]);
		t = kthread_create(bench_thread, (void *)(long)i, "krbench/%d", cpu);
		if (IS_ERR(t))
			return PTR_ERR(t);
		kthread_bind(t, cpu);
		wake_up_process(t);
		i++;
	}
	tasks = i;
	r->tasks = tasks;
	while (atomic_read(&r->ready) < tasks)
		schedule_timeout_uninterruptible(1);
	WRITE_ONCE(r->go, true);
	wake_up_all(&r->wq);
	for (i = 0; i < tasks; i++) {
		if (!wait_for_completion_timeout(&r->done[i], BENCH_WAIT))
			return -ETIMEDOUT;
		worst = max(worst, r->ns[i]);
	}
	*ns_per_call = div_u64(worst, BENCH_CALLS);
	return 0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static const char * const bench_rows[] = {
	"none", "kprobe", "kretprobe", "kretprobe_trap", "fprobe",
};

static int bench_cost(int tasks)
{
	static u64 ns[ARRAY_SIZE(bench_rows)][BENCH_ROUNDS];
	unsigned long (*fn)(unsigned long x);
	bool ok[ARRAY_SIZE(bench_rows)];
	unsigned long missed;
	long calls;
	int r, i, ret, len = 0;

	for (i = 0; i < ARRAY_SIZE(bench_rows); i++) {
		ok[i] = !bench_arm(bench_rows[i], &fn);
		if (ok[i] && !strncmp(bench_rows[i], "kretprobe", 9))
			pr_info("%s: probe at %pS\n", bench_rows[i],
				bench_rp.kp.addr);
		if (ok[i])
			bench_disarm(bench_rows[i]);
	}
	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (i = 0; i < ARRAY_SIZE(bench_rows); i++) {
			if (!ok[i])
				continue;
			ret = bench_arm(bench_rows[i], &fn);
			if (ret)
				return ret;
			atomic_long_set(&bench_hits, 0);
			ret = bench_one_round(fn, tasks, &ns[i][r]);
			missed = bench_disarm(bench_rows[i]);
			if (ret)
				return ret;
			if (missed)
				pr_warn("%s: %lu missed\n", bench_rows[i], missed);
			/* A row whose probe did not see its calls measures nothing. */
			calls = strcmp(bench_rows[i], "none") ?
				(long)bench_round->tasks * BENCH_CALLS - missed : 0;
			if (atomic_long_read(&bench_hits) != calls) {
				pr_warn("%s: handlers ran %ld times for %ld calls: row dropped\n",
					bench_rows[i], atomic_long_read(&bench_hits), calls);
				ok[i] = false;
			}
		}
	}
	if (atomic_long_read(&bench_sink))
		pr_warn("%ld wrong values\n", atomic_long_read(&bench_sink));
	for (i = 0; i < ARRAY_SIZE(bench_rows); i++) {
		if (!ok[i]) {
			len += scnprintf(bench_out + len, sizeof(bench_out) - len,
					 "%s n/a\n", bench_rows[i]);
			continue;
		}
		sort(ns[i], BENCH_ROUNDS, sizeof(ns[i][0]), bench_cmp_u64, NULL);
		len += scnprintf(bench_out + len, sizeof(bench_out) - len,
				 "%s %llu %llu %llu\n", bench_rows[i],
				 ns[i][BENCH_ROUNDS / 2], ns[i][0],
				 ns[i][BENCH_ROUNDS - 1]);
	}
	return 0;
}

/* capacity: @n kthreads inside bench_park() at once. */
static atomic_t bench_inside;
static bool bench_open;
static DECLARE_WAIT_QUEUE_HEAD(bench_gate);
static DECLARE_WAIT_QUEUE_HEAD(bench_ctl);

static noinline __noipa unsigned long bench_park(unsigned long x)
{
	atomic_inc(&bench_inside);
	wake_up(&bench_ctl);
	wait_event(bench_gate, READ_ONCE(bench_open));
	return x + 1;
}

static int bench_parker(void *data)
{
	bench_park((unsigned long)data);
	atomic_dec(&bench_inside);
	wake_up(&bench_ctl);
	return 0;
}

static int bench_capacity(int n)
{
	struct kretprobe *rp = &bench_rp;
	struct task_struct *t;
	int i, started = 0, inside, ret;

	bench_prepare_rp(rp, "bench_park");
	ret = register_kretprobe(rp);
	if (ret)
		return ret;
	WRITE_ONCE(bench_open, false);
	atomic_set(&bench_inside, 0);
	for (i = 0; i < n; i++) {
		t = kthread_run(bench_parker, (void *)(long)i, "krpark/%d", i);
		if (IS_ERR(t))
			break;
		started++;
	}
	wait_event_timeout(bench_ctl, atomic_read(&bench_inside) == started,
			   BENCH_WAIT);
	inside = atomic_read(&bench_inside);
	WRITE_ONCE(bench_open, true);
	wake_up_all(&bench_gate);
	wait_event_timeout(bench_ctl, !atomic_read(&bench_inside), BENCH_WAIT);
	unregister_kretprobe(rp);
	scnprintf(bench_out, sizeof(bench_out), "%d %d %d\n", n, inside,
		  rp->nmissed);
	return started == n ? 0 : -EAGAIN;
}

/* probes: N kretprobes on one function, for the memory they take. */
static struct kretprobe **bench_rps;
static int bench_nr_rps;

static void bench_probes_free(void)
{
	int i;

	if (bench_nr_rps)
		unregister_kretprobes(bench_rps, bench_nr_rps);
	for (i = 0; i < bench_nr_rps; i++)
		kfree(bench_rps[i]);
	kfree(bench_rps);
	bench_rps = NULL;
	bench_nr_rps = 0;
}

static int bench_probes(int n)
{
	int i, ret;

	bench_probes_free();
	if (!n)
		goto out;
	bench_rps = kcalloc(n, sizeof(*bench_rps), GFP_KERNEL);
	if (!bench_rps)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		bench_rps[i] = kzalloc(sizeof(*bench_rps[i]), GFP_KERNEL);
		if (!bench_rps[i])
			break;
		bench_prepare_rp(bench_rps[i], "bench_park");
	}
	ret = i < n ? -ENOMEM : register_kretprobes(bench_rps, n);
	if (ret) {
		while (i--)
			kfree(bench_rps[i]);
		kfree(bench_rps);
		bench_rps = NULL;
		return ret;
	}
	bench_nr_rps = n;
out:
	scnprintf(bench_out, sizeof(bench_out), "%d\n", n);
	return 0;
}

static DEFINE_MUTEX(bench_lock);

static ssize_t bench_cmd_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[64];
	int n, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';

	mutex_lock(&bench_lock);
	bench_out[0] = '\0';
	if (sscanf(buf, "cost %d", &n) == 1 && n > 0 && n <= BENCH_TASKS)
		ret = bench_cost(n);
	else if (sscanf(buf, "capacity %d", &n) == 1 && n > 0 && n <= 65536)
		ret = bench_capacity(n);
	else if (sscanf(buf, "probes %d", &n) == 1 && n >= 0 && n <= 65536)
		ret = bench_probes(n);
	else
		ret = -EINVAL;
	mutex_unlock(&bench_lock);
	return ret ?: len;
}

static ssize_t bench_out_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[sizeof(bench_out)];
	int n;

	mutex_lock(&bench_lock);
	n = scnprintf(buf, sizeof(buf), "%s", bench_out);
	mutex_unlock(&bench_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations bench_cmd_fops = {
	.owner	= THIS_MODULE,
	.write	= bench_cmd_write,
	.llseek	= noop_llseek,
};

static const struct file_operations bench_out_fops = {
	.owner	= THIS_MODULE,
	.read	= bench_out_read,
	.llseek	= default_llseek,
};

static struct dentry *bench_dir;

static int __init bench_init(void)
{
	bench_round = kzalloc(sizeof(*bench_round), GFP_KERNEL);
	if (!bench_round)
		return -ENOMEM;
	bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("cmd", 0200, bench_dir, NULL, &bench_cmd_fops);
	debugfs_create_file("out", 0400, bench_dir, NULL, &bench_out_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_probes_free();
	kfree(bench_round);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("kretprobe cost, capacity and memory benchmark");
MODULE_LICENSE("GPL");
