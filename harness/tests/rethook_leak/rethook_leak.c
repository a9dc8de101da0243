// SPDX-License-Identifier: GPL-2.0
/*
 * rethook_leak: a further chunk of a task's rethook stack must not be lost
 * when an fprobe in an interrupt extends the stack while the task itself
 * is extending it (review M1 of the lossless kretprobe series, v1).
 *
 * Each round is a new SCHED_FIFO kthread, bound to one CPU, that recurses
 * RL_DEPTH levels into rl_recurse(), under a kretprobe on ftrace (its
 * handlers run with interrupts enabled) with a pool of one node: from the
 * second level on the nodes come from the kthread's rethook stack.  Its
 * 4000-byte pouch fits no node in the first chunk and two in a further
 * one, so every other level takes a further chunk.  Every level's
 * entry handler schedules a tasklet; it runs in the softirq tail of the
 * next interrupt on that CPU, which in v1 was the irq_work that the
 * extending push itself raised to refill the CPU's spare chunk, inside the
 * window between taking the spare and linking it.  The tasklet calls
 * rl_irq_recurse() RL_IRQ_DEPTH + 1 times deep under an fprobe (6.12:
 * fprobes hook returns with rethook) with a pool of one node and a node
 * too large for what the kthread's last chunk has left, so it takes nodes
 * from the same task's stack and extends it too.  In v1 the tasklet linked the new spare behind the chunk and the
 * kthread then overwrote that link: the chunk was unreachable, never
 * freed.  rethook_leak.sh asks kmemleak for it.
 *
 * In v2 the extending push raises no interrupt, so a second source makes
 * the same interleaving happen there: an hrtimer on the kthread's CPU
 * every RL_TICK_NS, whose callback, when it interrupted the kthread inside
 * rethook_try_get() (where the push and the extension are inlined),
 * schedules the tasklet, which then runs in the softirq tail of that very
 * interrupt, in the middle of the kthread's push.
 *
 * debugfs: write the number of rounds to rethook_leak/run, read the counts
 * from rethook_leak/result.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/fprobe.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

#include <asm/irq_regs.h>

#define RL_DEPTH	20	/* 10 further chunks */
#define RL_IRQ_DEPTH	2	/* fprobe pool: one node; then the stack */
#define RL_ROUNDS_MAX	1000
#define RL_DATA_SIZE	4000	/* two nodes in a further chunk */
#define RL_TICK_NS	(20 * NSEC_PER_USEC)

static struct task_struct *rl_task;	/* the current round's kthread */
static atomic_t rl_tasklet_runs, rl_tasklet_in_task;
static atomic_t rl_kret_entries, rl_kret_returns;
static atomic_t rl_fp_entries, rl_fp_returns;
static atomic_t rl_hits, rl_hit_runs, rl_hit_extends;
static bool rl_hit_pending;	/* the hrtimer caught the kthread in a push */
/* While a tasklet run that follows a hit: the kthread's last chunk then. */
static void *rl_hit_stack;
static char rl_result[448];

/*
 * Called through a pointer the compiler cannot see through, so that the
 * recursion stays real calls (no loop, no tail call).
 */
static unsigned long (*rl_recurse_fn)(unsigned long depth);
static unsigned long (*rl_irq_recurse_fn)(unsigned long depth);

static noinline __noipa unsigned long rl_recurse(unsigned long depth)
{
	if (!depth)
		return 0;
	return READ_ONCE(rl_recurse_fn)(depth - 1) + 1;
}

static noinline __noipa unsigned long rl_irq_recurse(unsigned long depth)
{
	if (!depth)
		return 0;
	return READ_ONCE(rl_irq_recurse_fn)(depth - 1) + 1;
}

static void rl_tasklet_fn(struct tasklet_struct *t)
{
	atomic_inc(&rl_tasklet_runs);
	if (current == READ_ONCE(rl_task))
		atomic_inc(&rl_tasklet_in_task);
	if (READ_ONCE(rl_hit_pending)) {
		WRITE_ONCE(rl_hit_pending, false);
		if (current == READ_ONCE(rl_task)) {
			atomic_inc(&rl_hit_runs);
			rl_hit_stack = READ_ONCE(current->rethook_stack);
		}
	}
	rl_irq_recurse(RL_IRQ_DEPTH);
	rl_hit_stack = NULL;
}

static DECLARE_TASKLET(rl_tasklet, rl_tasklet_fn);

static struct hrtimer rl_hrtimer;
static char rl_sym[KSYM_NAME_LEN];	/* used on the kthread's CPU only */

/* Did this interrupt stop the round's kthread inside rethook_try_get()? */
static bool rl_in_push(void)
{
	struct pt_regs *regs = get_irq_regs();

	if (!regs || user_mode(regs) || current != READ_ONCE(rl_task))
		return false;
	sprint_symbol_no_offset(rl_sym, instruction_pointer(regs));
	return !strcmp(rl_sym, "rethook_try_get");
}

static enum hrtimer_restart rl_hrtimer_fn(struct hrtimer *t)
{
	if (rl_in_push()) {
		atomic_inc(&rl_hits);
		WRITE_ONCE(rl_hit_pending, true);
		tasklet_schedule(&rl_tasklet);
	}
	hrtimer_forward_now(t, ns_to_ktime(RL_TICK_NS));
	return HRTIMER_RESTART;
}

static int rl_kret_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_inc(&rl_kret_entries);
	tasklet_schedule(&rl_tasklet);
	return 0;
}

static int rl_kret_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_inc(&rl_kret_returns);
	return 0;
}

static struct kretprobe rl_kret = {
	.kp.symbol_name	= "rl_recurse",
	.entry_handler	= rl_kret_entry,
	.handler	= rl_kret_return,
	.maxactive	= 1,
	.data_size	= RL_DATA_SIZE,
};

static int rl_fp_entry(struct fprobe *fp, unsigned long ip,
		       unsigned long ret_ip, struct pt_regs *regs, void *data)
{
	atomic_inc(&rl_fp_entries);
	/* The push before this handler took a further chunk. */
	if (rl_hit_stack && READ_ONCE(current->rethook_stack) != rl_hit_stack)
		atomic_inc(&rl_hit_extends);
	return 0;
}

static void rl_fp_exit(struct fprobe *fp, unsigned long ip,
		       unsigned long ret_ip, struct pt_regs *regs, void *data)
{
	atomic_inc(&rl_fp_returns);
}

/*
 * A node larger than what a further chunk with one kretprobe node has
 * left: each push of this fprobe on the kthread's stack extends it.
 */
static struct fprobe rl_fp = {
	.entry_handler	= rl_fp_entry,
	.exit_handler	= rl_fp_exit,
	.nr_maxactive	= 1,
	.entry_data_size = 4096,
};

static DECLARE_COMPLETION(rl_done);

static int rl_thread(void *arg)
{
	WRITE_ONCE(rl_task, current);
	/* Bound to this CPU: the timer interrupts this kthread only. */
	hrtimer_start(&rl_hrtimer, ns_to_ktime(RL_TICK_NS),
		      HRTIMER_MODE_REL_PINNED_HARD);
	rl_recurse(RL_DEPTH);
	hrtimer_cancel(&rl_hrtimer);
	WRITE_ONCE(rl_task, NULL);
	complete(&rl_done);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* One round: a new kthread, so that its first descent takes a chunk. */
static int rl_round(void)
{
	struct task_struct *t;

	reinit_completion(&rl_done);
	t = kthread_create(rl_thread, NULL, "rethook_leak");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, 0);
	sched_set_fifo(t);
	wake_up_process(t);
	wait_for_completion(&rl_done);
	kthread_stop(t);
	return 0;
}

static int rl_run(unsigned int rounds)
{
	const char *sym = "rl_irq_recurse";
	unsigned int i;
	int ret;

	atomic_set(&rl_tasklet_runs, 0);
	atomic_set(&rl_tasklet_in_task, 0);
	atomic_set(&rl_kret_entries, 0);
	atomic_set(&rl_kret_returns, 0);
	atomic_set(&rl_fp_entries, 0);
	atomic_set(&rl_fp_returns, 0);
	atomic_set(&rl_hits, 0);
	atomic_set(&rl_hit_runs, 0);
	atomic_set(&rl_hit_extends, 0);
	WRITE_ONCE(rl_hit_pending, false);
	/* A kretprobe registered before must be set up again. */
	rl_kret.kp.addr = NULL;
	rl_kret.kp.flags = 0;
	rl_kret.nmissed = 0;
	rl_fp.nmissed = 0;

	ret = register_fprobe_syms(&rl_fp, &sym, 1);
	if (ret) {
		snprintf(rl_result, sizeof(rl_result),
			 "fail: register_fprobe_syms: %d", ret);
		return 0;
	}
	ret = register_kretprobe(&rl_kret);
	if (ret) {
		unregister_fprobe(&rl_fp);
		snprintf(rl_result, sizeof(rl_result),
			 "fail: register_kretprobe: %d", ret);
		return 0;
	}
	for (i = 0; i < rounds && !ret; i++)
		ret = rl_round();
	unregister_kretprobe(&rl_kret);
	tasklet_kill(&rl_tasklet);
	unregister_fprobe(&rl_fp);

	snprintf(rl_result, sizeof(rl_result),
		 "%s: %u rounds; kretprobe %d entries, %d returns, %d missed; tasklet %d runs, %d in the round's task, %d in its rethook_try_get() (of %d hrtimer hits there), %d fprobe pushes extending its stack there; fprobe %d entries, %d returns, %lu missed",
		 ret ? "fail" : "done", i,
		 atomic_read(&rl_kret_entries), atomic_read(&rl_kret_returns),
		 rl_kret.nmissed, atomic_read(&rl_tasklet_runs),
		 atomic_read(&rl_tasklet_in_task), atomic_read(&rl_hit_runs),
		 atomic_read(&rl_hits), atomic_read(&rl_hit_extends),
		 atomic_read(&rl_fp_entries),
		 atomic_read(&rl_fp_returns), rl_fp.nmissed);
	return 0;
}

static DEFINE_MUTEX(rl_mutex);

static ssize_t rl_run_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *pos)
{
	unsigned int rounds;
	int ret;

	ret = kstrtouint_from_user(buf, count, 0, &rounds);
	if (ret)
		return ret;
	if (!rounds || rounds > RL_ROUNDS_MAX)
		return -EINVAL;
	mutex_lock(&rl_mutex);
	ret = rl_run(rounds);
	mutex_unlock(&rl_mutex);
	return ret ?: count;
}

static ssize_t rl_result_read(struct file *file, char __user *buf,
			      size_t count, loff_t *pos)
{
	char line[sizeof(rl_result) + 1];
	int len;

	mutex_lock(&rl_mutex);
	len = scnprintf(line, sizeof(line), "%s\n", rl_result);
	mutex_unlock(&rl_mutex);
	return simple_read_from_buffer(buf, count, pos, line, len);
}

static const struct file_operations rl_run_fops = {
	.owner	= THIS_MODULE,
	.write	= rl_run_write,
	.llseek	= noop_llseek,
};

static const struct file_operations rl_result_fops = {
	.owner	= THIS_MODULE,
	.read	= rl_result_read,
	.llseek	= default_llseek,
};

static struct dentry *rl_dir;

static int __init rl_init(void)
{
	rl_recurse_fn = rl_recurse;
	rl_irq_recurse_fn = rl_irq_recurse;
	hrtimer_init(&rl_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	rl_hrtimer.function = rl_hrtimer_fn;
	strscpy(rl_result, "fail: not run", sizeof(rl_result));
	rl_dir = debugfs_create_dir("rethook_leak", NULL);
	debugfs_create_file("run", 0200, rl_dir, NULL, &rl_run_fops);
	debugfs_create_file("result", 0400, rl_dir, NULL, &rl_result_fops);
	return 0;
}

static void __exit rl_exit(void)
{
	debugfs_remove_recursive(rl_dir);
}

module_init(rl_init);
module_exit(rl_exit);
MODULE_DESCRIPTION("rethook: no chunk of a task's rethook stack is lost (review M1)");
MODULE_LICENSE("GPL");
