// SPDX-License-Identifier: GPL-2.0
/*
 * r13_detector: on ppc64, is r13 (the PACA pointer, per CPU) still the PACA
 * of the CPU a task runs on when a probed call returns, after the task
 * moved to another CPU inside the probe?
 *
 * The optprobe detour and ftrace_regs_caller save r2-r31 in a pt_regs,
 * call the kprobe code, which runs with preemption disabled and can
 * schedule at its preempt_enable(), and then load r2-r31 back.  Unfixed,
 * they load back the r13 of the CPU the task left.  Here the pre_handler
 * of a kprobe on ktime_get_real_seconds() wakes a SCHED_FIFO kthread bound
 * to the CPU it runs on, which then preempts the caller at the first
 * preempt_enable() after the handler (in optimized_callback(), or the
 * ftrace recursion unlock after kprobe_ftrace_handler()) and moves it to
 * the other CPU: every call moves inside the probe.  After each call the
 * caller compares r13 with SPRG_PACA, with interrupts hard-disabled so that
 * it cannot move in between, and puts the right PACA back if they differ,
 * so that the unfixed kernel goes on and the count is complete.  (An
 * interrupt between the restore and the check would also put it back, and
 * hide that call.)
 *
 * Two paths, one at a time (write "optprobe N" or "ftrace N" to run, read
 * result):
 *  - optprobe: an optimized kprobe off the ftrace site, on the instruction
 *    after it (needs debug.kprobes-optimization=1);
 *  - ftrace: a kprobe on the function entry, which is on ftrace (run with
 *    debug.kprobes-optimization=0, so that no other optprobe, such as the
 *    kretprobe trampoline's, is in play).
 * A path the kernel cannot give (no such instruction, no kprobe on
 * ftrace) is a skip.  Book3S-64 only (Kbuild).
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/disassemble.h>
#include <asm/reg.h>

#define PROBED		"ktime_get_real_seconds"
#define OPTIMIZE_WAIT_MS 10000
#define OP_ADDI		14	/* primary opcodes */
#define OP_ADDIS	15
#define OP_B		18

struct mover {
	struct task_struct *task;
	int to;			/* the CPU it moves the caller to */
	bool pending;
	unsigned int moves;	/* moves of the caller it made */
};

static struct mover movers[2];
static int cpus[2];
static struct task_struct *caller;	/* the task under test, or NULL */
static kprobe_opcode_t *opt_addr;	/* where the optprobe goes in PROBED */
static DEFINE_MUTEX(run_lock);
static char result[256] = "none: nothing run yet";

static struct mover *mover_on(int cpu)
{
	if (cpu == cpus[0])
		return &movers[0];
	if (cpu == cpus[1])
		return &movers[1];
	return NULL;
}

/*
 * Runs with preemption disabled, in optimized_callback() or
 * kprobe_ftrace_handler(): the mover it wakes preempts the caller at the
 * first preempt_enable() after it (optimized_callback()'s, or the ftrace
 * recursion unlock), inside the window the bug is about.
 */
static int r13_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct mover *m;

	if (current != READ_ONCE(caller))
		return 0;
	m = mover_on(smp_processor_id());
	if (m) {
		WRITE_ONCE(m->pending, true);
		wake_up_process(m->task);
	}
	return 0;
}

static int mover_fn(void *data)
{
	struct mover *m = data;

	for (;;) {
		struct task_struct *t;

		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			return 0;
		}
		if (!READ_ONCE(m->pending)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(m->pending, false);
		t = READ_ONCE(caller);
		if (t && !set_cpus_allowed_ptr(t, cpumask_of(m->to)))
			m->moves++;
	}
}

/*
 * Compare r13 with SPRG_PACA, the PACA of this CPU, with external
 * interrupts hard-disabled: nothing here uses r13, and the task cannot
 * move between the two reads.  If they differ, put the right PACA in r13
 * and return the wrong one; else return 0.  *paca: SPRG_PACA.  notrace,
 * no coverage, no stack protector: each would read r13 before the check.
 */
static noinline notrace __no_sanitize_coverage __no_stack_protector
unsigned long r13_check_and_repair(unsigned long *paca)
{
	unsigned long msr = mfmsr();
	unsigned long r13, this;

	__mtmsrd(msr & ~MSR_EE, 1);
	asm volatile("mr %0, 13" : "=r" (r13));
	this = mfspr(SPRN_SPRG_PACA);
	if (r13 != this)
		asm volatile("mr 13, %0" : : "r" (this) : "memory");
	__mtmsrd(msr, 1);
	*paca = this;
	return r13 == this ? 0 : r13;
}

/*
 * The instruction after the ftrace site of PROBED (where a kprobe on the
 * function lands), if it is an addi or addis, which the optprobe code
 * emulates; else NULL.  Read once, at load: an optprobe of an earlier run
 * can still be in place for a while after its unregister_kprobe().
 */
static kprobe_opcode_t *after_ftrace_site(void)
{
	struct kprobe kp = { .symbol_name = PROBED };
	kprobe_opcode_t *next;

	if (register_kprobe(&kp))
		return NULL;
	next = kp.addr + 1;
	unregister_kprobe(&kp);
	switch (get_op(*next)) {
	case OP_ADDI:
	case OP_ADDIS:
		return next;
	}
	return NULL;
}

/* Optimized, the probed instruction is a branch to the detour. */
static bool wait_optimized(struct kprobe *kp)
{
	int ms;

	for (ms = 0; ms < OPTIMIZE_WAIT_MS; ms += 20) {
		if (get_op(READ_ONCE(*kp->addr)) == OP_B)
			return true;
		msleep(20);
	}
	return false;
}

static int start_movers(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		struct task_struct *t;

		movers[i].to = cpus[1 - i];
		movers[i].pending = false;
		movers[i].moves = 0;
		t = kthread_create_on_cpu(mover_fn, &movers[i], cpus[i],
					  "r13_mover/%u");
		if (IS_ERR(t)) {
			while (i--)
				kthread_stop(movers[i].task);
			return PTR_ERR(t);
		}
		sched_set_fifo(t);
		movers[i].task = t;
		wake_up_process(t);
	}
	return 0;
}

static void stop_movers(void)
{
	kthread_stop(movers[0].task);
	kthread_stop(movers[1].task);
}

struct tally {
	unsigned int calls, moved, foreign;
	unsigned long bad_r13, paca;
};

static void call_probed(unsigned int calls, struct tally *t)
{
	unsigned int i;

	t->calls = calls;
	for (i = 0; i < calls; i++) {
		int before = raw_smp_processor_id();
		unsigned long bad, paca;

		ktime_get_real_seconds();
		bad = r13_check_and_repair(&paca);
		if (raw_smp_processor_id() != before)
			t->moved++;
		if (bad && !t->foreign++) {
			t->bad_r13 = bad;
			t->paca = paca;
		}
		cond_resched();
	}
}

/* Two CPUs this task may run on, in cpus[]; false if it has not two. */
static bool pick_cpus(void)
{
	cpus[0] = cpumask_first_and(cpu_online_mask, current->cpus_ptr);
	if (cpus[0] >= nr_cpu_ids)
		return false;
	cpus[1] = cpumask_next_and(cpus[0], cpu_online_mask, current->cpus_ptr);
	return cpus[1] < nr_cpu_ids;
}

/* Register the probe of one path; on failure, say why in result. */
static bool arm(struct kprobe *kp, bool optprobe)
{
	int ret;

	if (optprobe && !IS_ENABLED(CONFIG_OPTPROBES)) {
		snprintf(result, sizeof(result), "skip: no CONFIG_OPTPROBES");
		return false;
	}
	if (optprobe && !opt_addr) {
		snprintf(result, sizeof(result),
			 "skip: no addi/addis after the ftrace site of %s to optimize", PROBED);
		return false;
	}
	if (optprobe)
		kp->addr = opt_addr;
	else
		kp->symbol_name = PROBED;
	ret = register_kprobe(kp);
	if (ret) {
		snprintf(result, sizeof(result), "fail: register_kprobe(%s): %d",
			 optprobe ? "after the ftrace site" : PROBED, ret);
		return false;
	}
	if (optprobe && !wait_optimized(kp)) {
		snprintf(result, sizeof(result),
			 "fail: %pS not optimized within %d ms (debug.kprobes-optimization?)",
			 kp->addr, OPTIMIZE_WAIT_MS);
		unregister_kprobe(kp);
		return false;
	}
	if (!optprobe && !(kp->flags & KPROBE_FLAG_FTRACE)) {
		snprintf(result, sizeof(result), "skip: the kprobe on %s is not on ftrace",
			 PROBED);
		unregister_kprobe(kp);
		return false;
	}
	return true;
}

static void report(struct tally *t, struct kprobe *kp)
{
	unsigned int moves = movers[0].moves + movers[1].moves;

	if (t->foreign)
		snprintf(result, sizeof(result),
			 "fail: r13 was another CPU's PACA after %u of %u calls (%u moved to another CPU); first: r13 %lx, SPRG_PACA %lx",
			 t->foreign, t->calls, t->moved, t->bad_r13, t->paca);
	else if (t->moved < t->calls || moves != t->calls)
		snprintf(result, sizeof(result),
			 "fail: %u of %u calls moved to another CPU, %u moves by the movers: %s",
			 t->moved, t->calls, moves, "the detector did not do its part");
	else
		snprintf(result, sizeof(result),
			 "pass: %u calls through %pS, each moved to another CPU by the mover its probe woke, r13 right after each",
			 t->calls, kp->addr);
}

static void run_path(bool optprobe, unsigned int calls)
{
	struct kprobe kp = { .pre_handler = r13_pre };
	struct tally t = {};
	cpumask_var_t saved;
	int ret;

	if (!pick_cpus()) {
		snprintf(result, sizeof(result), "skip: needs two CPUs to run on");
		return;
	}
	if (!arm(&kp, optprobe))
		return;
	if (!alloc_cpumask_var(&saved, GFP_KERNEL)) {
		snprintf(result, sizeof(result), "fail: out of memory");
		goto out_unregister;
	}
	cpumask_copy(saved, current->cpus_ptr);
	ret = start_movers();
	if (ret) {
		snprintf(result, sizeof(result), "fail: cannot start the movers: %d", ret);
		goto out_free;
	}
	ret = set_cpus_allowed_ptr(current, cpumask_of(cpus[0]));
	if (ret) {
		snprintf(result, sizeof(result), "fail: cannot move to CPU %d: %d", cpus[0], ret);
		stop_movers();
		goto out_free;
	}
	WRITE_ONCE(caller, current);
	call_probed(calls, &t);
	WRITE_ONCE(caller, NULL);
	stop_movers();
	set_cpus_allowed_ptr(current, saved);
	report(&t, &kp);
out_free:
	free_cpumask_var(saved);
out_unregister:
	unregister_kprobe(&kp);
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char buf[32], path[16];
	unsigned int calls;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %u", path, &calls) != 2 || !calls)
		return -EINVAL;
	if (strcmp(path, "optprobe") && strcmp(path, "ftrace"))
		return -EINVAL;
	mutex_lock(&run_lock);
	run_path(!strcmp(path, "optprobe"), calls);
	mutex_unlock(&run_lock);
	return count;
}

static ssize_t result_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[sizeof(result) + 1];
	int len;

	mutex_lock(&run_lock);
	len = scnprintf(buf, sizeof(buf), "%s\n", result);
	mutex_unlock(&run_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations run_fops = {
	.write = run_write,
	.llseek = noop_llseek,
};

static const struct file_operations result_fops = {
	.read = result_read,
	.llseek = default_llseek,
};

static struct dentry *dir;

static int __init r13_detector_init(void)
{
	opt_addr = after_ftrace_site();
	dir = debugfs_create_dir("r13_detector", NULL);
	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("result", 0400, dir, NULL, &result_fops);
	return 0;
}

static void __exit r13_detector_exit(void)
{
	debugfs_remove_recursive(dir);
}

module_init(r13_detector_init);
module_exit(r13_detector_exit);
MODULE_DESCRIPTION("Does r13 follow a task that moves inside a kprobe? (ppc64)");
MODULE_LICENSE("GPL");
