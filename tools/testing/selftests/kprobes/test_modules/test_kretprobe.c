// SPDX-License-Identifier: GPL-2.0
/*
 * test_kretprobe.c - kselftest module for the kretprobe entry-handler and
 * per-instance data ("pouch") contract.
 *
 * Each case probes functions of this module with kretprobes, calls them and
 * checks what the handlers saw.  Cases run one at a time, driven through
 * debugfs by test_kretprobe.sh:
 *
 *   /sys/kernel/debug/test_kretprobe/cases        names of the cases
 *   /sys/kernel/debug/test_kretprobe/run          write a case name to run it
 *   /sys/kernel/debug/test_kretprobe/result       "pass", "skip: <why>" or
 *                                                 "fail: <why>"
 *   /sys/kernel/debug/test_kretprobe/sleep_probe  write 1: leave a kretprobe
 *                                                 on a sleeping syscall path
 *                                                 until the module unloads
 *   /sys/kernel/debug/test_kretprobe/inflight     calls of that probe that
 *                                                 have not returned yet
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define KRT_CALLS	1000	/* calls per single-task case */
#define KRT_VETOES	5000	/* calls of the voluntary-miss case */
#define KRT_DEPTH	64	/* recursion depth */
#define KRT_TASKS	64	/* kthreads of the many-tasks case */
#define KRT_MAXACTIVE	256	/* instances: enough for every contract case */
#define KRT_CROWD	4096	/* kthreads of the exhaustion case */
#define KRT_DEEP	1000	/* deepest recursion, if the stack holds it */
#define KRT_HARDIRQ	200	/* calls from an hrtimer (hard IRQ) */
#define KRT_SOFTIRQ	20	/* calls from a timer (softirq) */
#define KRT_HARDIRQ_NS	(200 * NSEC_PER_USEC)	/* between hrtimer calls */
#define KRT_WAIT	(60 * HZ)
#define KRT_MAGIC	0x6b727462UL

/*
 * The pouch: who filled it, for which call, and a check word over all of
 * it.  Bytes past the header, up to data_size, hold a pattern derived from
 * the sequence number.
 */
struct krt_pouch {
	struct kretprobe_instance *self;
	struct task_struct *task;
	unsigned long arg;
	unsigned long seq;
	unsigned long sp;
	int cpu;
	unsigned long check;
};

/* A kretprobe of a case, with what its handlers counted. */
struct krt_probe {
	struct kretprobe rp;
	unsigned long (*expect)(unsigned long arg);
	int (*on_entry)(struct krt_probe *kp, struct krt_pouch *p,
			struct pt_regs *regs);
	void (*on_return)(struct krt_probe *kp, struct krt_pouch *p,
			  struct pt_regs *regs);
	atomic_t entries;
	atomic_t vetoes;
	atomic_t returns;
	atomic_t bad_pouch;
	atomic_t bad_retval;
	atomic_t bad_case;	/* what the case's own hooks found wrong */
};

static atomic_long_t krt_seq;
static char krt_result[256];

static __printf(1, 2) int krt_fail(const char *fmt, ...)
{
	va_list args;
	int n;

	n = scnprintf(krt_result, sizeof(krt_result), "fail: ");
	va_start(args, fmt);
	vscnprintf(krt_result + n, sizeof(krt_result) - n, fmt, args);
	va_end(args);
	pr_err("%s\n", krt_result);
	return -EINVAL;
}

static int krt_skip(const char *why)
{
	scnprintf(krt_result, sizeof(krt_result), "skip: %s", why);
	return -EOPNOTSUPP;
}

/*
 * The probed functions.  noinline and __noipa keep one out-of-line copy
 * under each name, so that a probe on the symbol sees every call.
 */
static noinline __noipa unsigned long krt_target(unsigned long x)
{
	return x * 3 + 1;
}

static noinline __noipa unsigned long krt_inner(unsigned long x)
{
	return x * 3 + 1;
}

static noinline __noipa unsigned long krt_outer(unsigned long x)
{
	return krt_inner(x) + 1;
}

/*
 * Recursion goes through a pointer the compiler cannot see through, so
 * that it cannot turn the recursion into a loop: every level is a real call
 * from the same call site, with the same return address.
 */
static unsigned long (*krt_recurse_fn)(unsigned long depth);

static noinline __noipa unsigned long krt_recurse(unsigned long depth)
{
	if (!depth)
		return 0;
	return READ_ONCE(krt_recurse_fn)(depth - 1) + 1;
}

static unsigned long krt_expect_3x1(unsigned long x)
{
	return x * 3 + 1;
}

static unsigned long krt_expect_3x2(unsigned long x)
{
	return x * 3 + 2;
}

static unsigned long krt_expect_same(unsigned long x)
{
	return x;
}

static unsigned long krt_pouch_check(const struct krt_pouch *p)
{
	return (unsigned long)p->self ^ (unsigned long)p->task ^ p->arg ^
	       p->sp ^ p->cpu ^ (p->seq * 0x9e3779b1UL) ^ KRT_MAGIC;
}

static struct krt_probe *krt_probe_of(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct krt_probe, rp);
}

static int krt_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct krt_probe *kp = krt_probe_of(ri);
	struct krt_pouch *p = (struct krt_pouch *)ri->data;
	size_t tail = kp->rp.data_size - sizeof(*p);

	p->self = ri;
	p->task = current;
	p->arg = regs_get_kernel_argument(regs, 0);
	p->seq = atomic_long_inc_return(&krt_seq);
	p->sp = kernel_stack_pointer(regs);
	p->cpu = smp_processor_id();
	p->check = krt_pouch_check(p);
	memset(p + 1, (u8)p->seq, tail);

	if (kp->on_entry && kp->on_entry(kp, p, regs)) {
		atomic_inc(&kp->vetoes);
		return 1;
	}
	atomic_inc(&kp->entries);
	return 0;
}

static int krt_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct krt_probe *kp = krt_probe_of(ri);
	struct krt_pouch *p = (struct krt_pouch *)ri->data;
	size_t tail = kp->rp.data_size - sizeof(*p);

	atomic_inc(&kp->returns);
	if (p->self != ri || p->task != current ||
	    p->check != krt_pouch_check(p) ||
	    memchr_inv(p + 1, (u8)p->seq, tail))
		atomic_inc(&kp->bad_pouch);
	if (kp->expect && regs_return_value(regs) != kp->expect(p->arg))
		atomic_inc(&kp->bad_retval);
	if (kp->on_return)
		kp->on_return(kp, p, regs);
	return 0;
}

/*
 * Set a probe up from scratch for every registration: registering fills
 * in kp.addr, and a symbol name together with an address is refused.
 */
static void krt_prepare(struct krt_probe *kp, const char *symbol,
			size_t data_size, unsigned long (*expect)(unsigned long))
{
	memset(kp, 0, sizeof(*kp));
	kp->rp.kp.symbol_name = symbol;
	kp->rp.entry_handler = krt_entry;
	kp->rp.handler = krt_return;
	kp->rp.data_size = data_size;
	kp->rp.maxactive = KRT_MAXACTIVE;
	kp->expect = expect;
}

/*
 * The checks every case makes of a probe after its calls: @calls entries
 * (not counting vetoes), as many returns, nothing missed, every pouch and
 * return value right.
 */
static int krt_check_probe(struct krt_probe *kp, int calls)
{
	const char *sym = kp->rp.kp.symbol_name;

	/* rp.nmissed: no instance; kp.nmissed: a probe hit inside a probe. */
	if (atomic_read(&kp->entries) != calls ||
	    atomic_read(&kp->returns) != calls ||
	    kp->rp.nmissed || kp->rp.kp.nmissed)
		return krt_fail("%s: %d calls: %d entries, %d returns, %d+%lu missed",
				sym, calls, atomic_read(&kp->entries),
				atomic_read(&kp->returns), kp->rp.nmissed,
				kp->rp.kp.nmissed);
	if (atomic_read(&kp->bad_pouch))
		return krt_fail("%s: %d of %d pouches changed between entry and return",
				sym, atomic_read(&kp->bad_pouch), calls);
	if (atomic_read(&kp->bad_retval))
		return krt_fail("%s: %d of %d return values differ from the function's",
				sym, atomic_read(&kp->bad_retval), calls);
	return 0;
}

static struct krt_probe krt_probes[3];

/* Every entry has exactly one return, with its own instance and pouch. */
static int krt_case_pairing(void)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret, i;

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), NULL);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	for (i = 0; i < KRT_CALLS; i++)
		krt_target(i);
	unregister_kretprobe(&kp->rp);
	return krt_check_probe(kp, KRT_CALLS);
}

/* regs_return_value() in the return handler is what the function returned. */
static int krt_case_return_value(void)
{
	struct krt_probe *kp = &krt_probes[0];
	unsigned long sum = 0;
	int ret, i;

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), krt_expect_3x1);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	for (i = 0; i < KRT_CALLS; i++)
		sum += krt_target(i);
	unregister_kretprobe(&kp->rp);

	if (sum != 3UL * KRT_CALLS * (KRT_CALLS - 1) / 2 + KRT_CALLS)
		return krt_fail("the probed function returned wrong values");
	return krt_check_probe(kp, KRT_CALLS);
}

/* Veto calls with an odd argument; a return of one of them is wrong. */
static int krt_veto_odd(struct krt_probe *kp, struct krt_pouch *p,
			struct pt_regs *regs)
{
	return p->arg & 1;
}

static void krt_count_odd(struct krt_probe *kp, struct krt_pouch *p,
			  struct pt_regs *regs)
{
	if (p->arg & 1)
		atomic_inc(&kp->bad_case);
}

/*
 * An entry handler returning non-zero gets no return handler call, and its
 * instance goes back at once: with 4 instances, thousands of vetoes would
 * empty the pool if one leaked, and nmissed would move.
 */
static int krt_case_voluntary_miss(void)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret, i;

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), krt_expect_3x1);
	kp->rp.maxactive = 4;
	kp->on_entry = krt_veto_odd;
	kp->on_return = krt_count_odd;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	for (i = 0; i < KRT_VETOES; i++)
		krt_target(i);
	unregister_kretprobe(&kp->rp);

	if (atomic_read(&kp->vetoes) != KRT_VETOES / 2)
		return krt_fail("%d vetoes, expected %d",
				atomic_read(&kp->vetoes), KRT_VETOES / 2);
	if (atomic_read(&kp->bad_case))
		return krt_fail("%d vetoed calls got a return handler call",
				atomic_read(&kp->bad_case));
	return krt_check_probe(kp, KRT_VETOES / 2);
}

/* Levels return in the order 0, 1, 2, ...: the reverse of their entries. */
static atomic_t krt_next_level;

static void krt_check_lifo(struct krt_probe *kp, struct krt_pouch *p,
			   struct pt_regs *regs)
{
	if (p->arg != atomic_inc_return(&krt_next_level) - 1)
		atomic_inc(&kp->bad_case);
}

/*
 * Recursion: every level enters through the same call site, so every
 * hijacked return address is the same; only the stack tells them apart.
 * Each level's pouch must come back at its own level, last in first out.
 */
static int krt_case_recursion(void)
{
	struct krt_probe *kp = &krt_probes[0];
	unsigned long got;
	int ret;

	krt_prepare(kp, "krt_recurse", sizeof(struct krt_pouch),
		    krt_expect_same);
	kp->on_return = krt_check_lifo;
	atomic_set(&krt_next_level, 0);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	got = krt_recurse(KRT_DEPTH);
	unregister_kretprobe(&kp->rp);

	if (got != KRT_DEPTH)
		return krt_fail("krt_recurse(%d) returned %lu", KRT_DEPTH, got);
	if (atomic_read(&kp->bad_case))
		return krt_fail("%d levels returned out of LIFO order",
				atomic_read(&kp->bad_case));
	return krt_check_probe(kp, KRT_DEPTH + 1);
}

/*
 * Nesting: krt_outer() calls krt_inner(), each under its own kretprobe.
 * The handlers must run in the order outer entry, inner entry, inner
 * return, outer return.
 */
static atomic_t krt_nest;

static int krt_nest_enter(struct krt_probe *kp, struct krt_pouch *p,
			  struct pt_regs *regs)
{
	int level = kp == &krt_probes[0] ? 0 : 1;

	if (atomic_inc_return(&krt_nest) != level + 1)
		atomic_inc(&kp->bad_case);
	return 0;
}

static void krt_nest_leave(struct krt_probe *kp, struct krt_pouch *p,
			   struct pt_regs *regs)
{
	int level = kp == &krt_probes[0] ? 0 : 1;

	if (atomic_dec_return(&krt_nest) != level)
		atomic_inc(&kp->bad_case);
}

static int krt_case_nesting(void)
{
	struct krt_probe *outer = &krt_probes[0], *inner = &krt_probes[1];
	int ret, i;

	krt_prepare(outer, "krt_outer", sizeof(struct krt_pouch),
		    krt_expect_3x2);
	krt_prepare(inner, "krt_inner", sizeof(struct krt_pouch) + 64,
		    krt_expect_3x1);
	outer->on_entry = krt_nest_enter;
	inner->on_entry = krt_nest_enter;
	outer->on_return = krt_nest_leave;
	inner->on_return = krt_nest_leave;
	atomic_set(&krt_nest, 0);
	ret = register_kretprobe(&outer->rp);
	if (ret)
		return krt_fail("register_kretprobe(outer): %d", ret);
	ret = register_kretprobe(&inner->rp);
	if (ret) {
		unregister_kretprobe(&outer->rp);
		return krt_fail("register_kretprobe(inner): %d", ret);
	}
	for (i = 0; i < KRT_CALLS; i++)
		krt_outer(i);
	unregister_kretprobe(&inner->rp);
	unregister_kretprobe(&outer->rp);

	if (atomic_read(&outer->bad_case) || atomic_read(&inner->bad_case))
		return krt_fail("handlers out of order: outer %d, inner %d",
				atomic_read(&outer->bad_case),
				atomic_read(&inner->bad_case));
	return krt_check_probe(outer, KRT_CALLS) ?:
	       krt_check_probe(inner, KRT_CALLS);
}

/*
 * Several kretprobes on one function, with pouches of different sizes up
 * to the largest allowed: each call gets one instance of each, and each
 * pouch is filled and checked whole.
 */
static int krt_case_several_probes(void)
{
	static const size_t sizes[ARRAY_SIZE(krt_probes)] = {
		sizeof(struct krt_pouch), 200, KRETPROBE_MAX_DATA_SIZE,
	};
	struct kretprobe *rps[ARRAY_SIZE(krt_probes)];
	int ret, i;

	for (i = 0; i < ARRAY_SIZE(krt_probes); i++) {
		krt_prepare(&krt_probes[i], "krt_target", sizes[i],
			    krt_expect_3x1);
		rps[i] = &krt_probes[i].rp;
	}
	ret = register_kretprobes(rps, ARRAY_SIZE(rps));
	if (ret)
		return krt_fail("register_kretprobes: %d", ret);
	for (i = 0; i < KRT_CALLS; i++)
		krt_target(i);
	unregister_kretprobes(rps, ARRAY_SIZE(rps));

	for (i = 0; i < ARRAY_SIZE(krt_probes); i++) {
		ret = krt_check_probe(&krt_probes[i], KRT_CALLS);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A crowd of kthreads parked inside krt_park() until released together:
 * the many-tasks and migration cases use it, and so can any case that
 * needs many calls in flight at once.
 */
struct krt_crowd {
	struct task_struct **tasks;
	int n;
	atomic_t tags;
	atomic_t inside;	/* tasks waiting inside krt_park() */
	atomic_t done;		/* tasks back from krt_park() */
	atomic_t bad;		/* krt_park() returned a wrong value */
	unsigned long (*park)(unsigned long tag, struct krt_crowd *c);
	bool open;
	wait_queue_head_t gate;	/* parked tasks wait here */
	wait_queue_head_t ctl;	/* the case waits here for inside and done */
};

static void krt_wait_at_gate(struct krt_crowd *c)
{
	atomic_inc(&c->inside);
	wake_up(&c->ctl);
	wait_event(c->gate, READ_ONCE(c->open));
}

static noinline __noipa unsigned long krt_park(unsigned long tag,
					       struct krt_crowd *c)
{
	krt_wait_at_gate(c);
	return tag * 3 + 1;
}

/* Parks when called by a task of crowd @c; returns at once from an IRQ. */
static noinline __noipa unsigned long krt_park_or_not(unsigned long tag,
						      struct krt_crowd *c)
{
	if (c)
		krt_wait_at_gate(c);
	return tag * 3 + 1;
}

/* Exit only through kthread_stop(), so the module outlives the thread. */
static int krt_wait_for_stop(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int krt_crowd_thread(void *data)
{
	struct krt_crowd *c = data;
	unsigned long tag = atomic_inc_return(&c->tags);

	if (c->park(tag, c) != tag * 3 + 1)
		atomic_inc(&c->bad);
	atomic_inc(&c->done);
	wake_up(&c->ctl);

	return krt_wait_for_stop();
}

/*
 * Start @n kthreads (on @cpu if it is not negative) that call @park, and
 * wait until all of them are parked.  Returns how many are parked.
 */
static int krt_crowd_gather(struct krt_crowd *c, int n, int cpu,
			    unsigned long (*park)(unsigned long tag,
						  struct krt_crowd *c))
{
	struct task_struct *t;

	memset(c, 0, sizeof(*c));
	c->park = park;
	init_waitqueue_head(&c->gate);
	init_waitqueue_head(&c->ctl);
	c->tasks = kcalloc(n, sizeof(*c->tasks), GFP_KERNEL);
	if (!c->tasks)
		return 0;
	for (c->n = 0; c->n < n; c->n++) {
		t = kthread_create(krt_crowd_thread, c, "krt_crowd/%d", c->n);
		if (IS_ERR(t))
			break;
		if (cpu >= 0)
			set_cpus_allowed_ptr(t, cpumask_of(cpu));
		c->tasks[c->n] = t;
		wake_up_process(t);
	}
	wait_event_timeout(c->ctl, atomic_read(&c->inside) == c->n, KRT_WAIT);
	return atomic_read(&c->inside);
}

/* Open the gate and wait until every parked task is back. */
static int krt_crowd_release(struct krt_crowd *c)
{
	WRITE_ONCE(c->open, true);
	wake_up_all(&c->gate);
	wait_event_timeout(c->ctl, atomic_read(&c->done) == c->n, KRT_WAIT);
	return atomic_read(&c->done);
}

static void krt_crowd_stop(struct krt_crowd *c)
{
	int i;

	if (!READ_ONCE(c->open))
		krt_crowd_release(c);
	for (i = 0; i < c->n; i++)
		kthread_stop(c->tasks[i]);
	kfree(c->tasks);
}

static struct krt_crowd krt_crowd;

/* Many tasks inside one probed function at once. */
static int krt_case_many_tasks(void)
{
	struct krt_probe *kp = &krt_probes[0];
	struct krt_crowd *c = &krt_crowd;
	int ret, parked, back;

	krt_prepare(kp, "krt_park", sizeof(struct krt_pouch), krt_expect_3x1);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	parked = krt_crowd_gather(c, KRT_TASKS, -1, krt_park);
	back = krt_crowd_release(c);
	krt_crowd_stop(c);
	unregister_kretprobe(&kp->rp);

	if (parked != KRT_TASKS || back != KRT_TASKS)
		return krt_fail("%d tasks: %d were inside at once, %d came back",
				KRT_TASKS, parked, back);
	if (atomic_read(&c->bad))
		return krt_fail("krt_park() returned %d wrong values",
				atomic_read(&c->bad));
	return krt_check_probe(kp, KRT_TASKS);
}

/* The migration case: entry on one CPU, return on another. */
static int krt_mig_from, krt_mig_to;

static void krt_check_migrated(struct krt_probe *kp, struct krt_pouch *p,
			       struct pt_regs *regs)
{
	if (p->cpu != krt_mig_from || smp_processor_id() != krt_mig_to)
		atomic_inc(&kp->bad_case);
}

/*
 * The probed function sleeps on one CPU and returns on another: its
 * affinity is changed while it sleeps.
 */
static int krt_case_sleep_and_migrate(void)
{
	struct krt_probe *kp = &krt_probes[0];
	struct krt_crowd *c = &krt_crowd;
	int ret, parked, back;

	krt_mig_from = cpumask_first(cpu_online_mask);
	krt_mig_to = cpumask_next(krt_mig_from, cpu_online_mask);
	if (krt_mig_to >= nr_cpu_ids)
		return krt_skip("needs two online CPUs");

	krt_prepare(kp, "krt_park", sizeof(struct krt_pouch), krt_expect_3x1);
	kp->on_return = krt_check_migrated;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	parked = krt_crowd_gather(c, 1, krt_mig_from, krt_park);
	if (parked == 1)
		ret = set_cpus_allowed_ptr(c->tasks[0], cpumask_of(krt_mig_to));
	back = krt_crowd_release(c);
	krt_crowd_stop(c);
	unregister_kretprobe(&kp->rp);

	if (parked != 1 || back != 1)
		return krt_fail("the sleeper did not park (%d) or return (%d)",
				parked, back);
	if (ret)
		return krt_fail("set_cpus_allowed_ptr: %d", ret);
	if (atomic_read(&kp->bad_case))
		return krt_fail("no migration seen: expected entry on CPU%d and return on CPU%d",
				krt_mig_from, krt_mig_to);
	return krt_check_probe(kp, 1);
}

#if defined(CONFIG_X86) || defined(CONFIG_PPC)
/*
 * The stack pointer an entry handler reads with kernel_stack_pointer() is
 * the probed function's own at entry: where the call left it.  The caller
 * records its stack pointer just before the call.  On x86 the call pushes
 * the return address, so the callee starts one word lower, at the return
 * address into the caller; this is what the 2007 review worried about on
 * i386, where a trap from kernel mode used not to save the stack pointer
 * and &regs->sp stood in for it.  On powerpc the call leaves r1 alone and
 * puts the return address in the link register.
 */
static unsigned long krt_sp_at_call;
static unsigned long krt_sp_at_entry;
static unsigned long krt_ra_at_entry;

static noinline __noipa unsigned long krt_sp_target(unsigned long x)
{
	return x * 3 + 1;
}

static noinline __noipa unsigned long krt_sp_caller(unsigned long x)
{
	unsigned long ret;

	WRITE_ONCE(krt_sp_at_call, current_stack_pointer);
	ret = krt_sp_target(x);
	/* Not a tail call: the return address must point into this function. */
	barrier();
	return ret;
}

static int krt_record_sp(struct krt_probe *kp, struct krt_pouch *p,
			 struct pt_regs *regs)
{
	krt_sp_at_entry = p->sp;
#if defined(CONFIG_X86)
	krt_ra_at_entry = *(unsigned long *)p->sp;
#elif defined(CONFIG_PPC)
	krt_ra_at_entry = regs->link;
#endif
	return 0;
}

static int krt_case_stack_pointer(void)
{
	struct krt_probe *kp = &krt_probes[0];
	char caller[64];
	unsigned long want_sp;
	int ret;

	krt_prepare(kp, "krt_sp_target", sizeof(struct krt_pouch),
		    krt_expect_3x1);
	kp->on_entry = krt_record_sp;
	krt_ra_at_entry = 0;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	krt_sp_caller(7);
	unregister_kretprobe(&kp->rp);

	ret = krt_check_probe(kp, 1);
	if (ret)
		return ret;
	want_sp = krt_sp_at_call;
	if (IS_ENABLED(CONFIG_X86))
		want_sp -= sizeof(unsigned long);
	if (krt_sp_at_entry != want_sp)
		return krt_fail("kernel_stack_pointer() %lx, expected %lx (caller's %lx)",
				krt_sp_at_entry, want_sp, krt_sp_at_call);
	/* "%ps" of a module address is "name [module]": keep the name. */
	snprintf(caller, sizeof(caller), "%ps", (void *)krt_ra_at_entry);
	strreplace(caller, ' ', '\0');
	if (strcmp(caller, "krt_sp_caller"))
		return krt_fail("return address at entry %pS is not in krt_sp_caller()",
				(void *)krt_ra_at_entry);
	return 0;
}
#else
static int krt_case_stack_pointer(void)
{
	return krt_skip("no reference stack pointer on this arch");
}
#endif

/*
 * Bad input gets a clear error and changes nothing.
 */
static int krt_expect_error(struct krt_probe *kp, int want, const char *what)
{
	int ret = register_kretprobe(&kp->rp);

	if (!ret)
		unregister_kretprobe(&kp->rp);
	if (ret != want)
		return krt_fail("%s: register_kretprobe returned %d, expected %d",
				what, ret, want);
	return 0;
}

static int krt_case_bad_input(void)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret;

	krt_prepare(kp, "krt_target", KRETPROBE_MAX_DATA_SIZE + 1, NULL);
	ret = krt_expect_error(kp, -E2BIG, "data_size above KRETPROBE_MAX_DATA_SIZE");
	if (ret)
		return ret;

	krt_prepare(kp, "krt_no_such_function", sizeof(struct krt_pouch), NULL);
	ret = krt_expect_error(kp, -ENOENT, "unknown symbol");
	if (ret)
		return ret;

	/* This function is long enough for +64 to be inside it. */
	krt_prepare(kp, "krt_case_bad_input", sizeof(struct krt_pouch), NULL);
	kp->rp.kp.offset = 64;
	ret = krt_expect_error(kp, -EINVAL, "offset 64, not a function entry");
	if (ret)
		return ret;

	return 0;
}

/*
 * Unregistering a kretprobe twice is harmless, as it is for a kprobe, and
 * the same kretprobe can be registered again afterwards.
 */
static int krt_case_unregister_twice(void)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret;

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), NULL);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	krt_target(1);
	unregister_kretprobe(&kp->rp);
	unregister_kretprobe(&kp->rp);
	ret = krt_check_probe(kp, 1);
	if (ret)
		return ret;

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), NULL);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("registering again after a double unregister: %d",
				ret);
	krt_target(2);
	unregister_kretprobe(&kp->rp);
	return krt_check_probe(kp, 1);
}

/*
 * Unregistering a kretprobe whose register failed is harmless, as it is
 * for a kprobe: error paths that tear down whatever was set up do it.
 */
static int krt_case_unregister_failed(void)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret;

	krt_prepare(kp, "krt_no_such_function", sizeof(struct krt_pouch), NULL);
	ret = register_kretprobe(&kp->rp);
	if (!ret)
		unregister_kretprobe(&kp->rp);
	if (ret != -ENOENT)
		return krt_fail("unknown symbol: register_kretprobe returned %d, expected %d",
				ret, -ENOENT);
	unregister_kretprobe(&kp->rp);

	krt_prepare(kp, "krt_target", sizeof(struct krt_pouch), NULL);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("registering after a failed register: %d", ret);
	krt_target(3);
	unregister_kretprobe(&kp->rp);
	return krt_check_probe(kp, 1);
}

/*
 * The lossless cases: kretprobes with the default maxactive, and more
 * calls in flight at once than that many instances.
 */

/* More tasks inside one probed function at once than any default pool. */
static int krt_case_exhaustion(void)
{
	struct krt_probe *kp = &krt_probes[0];
	struct krt_crowd *c = &krt_crowd;
	int ret, parked, back;

	krt_prepare(kp, "krt_park", sizeof(struct krt_pouch), krt_expect_3x1);
	kp->rp.maxactive = 0;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	parked = krt_crowd_gather(c, KRT_CROWD, -1, krt_park);
	back = krt_crowd_release(c);
	krt_crowd_stop(c);
	unregister_kretprobe(&kp->rp);

	pr_info("exhaustion: %d tasks, maxactive %d: %d entries, %d returns, %d missed\n",
		KRT_CROWD, kp->rp.maxactive, atomic_read(&kp->entries),
		atomic_read(&kp->returns), kp->rp.nmissed);
	if (parked != KRT_CROWD || back != KRT_CROWD)
		return krt_fail("%d tasks: %d were inside at once, %d came back",
				KRT_CROWD, parked, back);
	if (atomic_read(&c->bad))
		return krt_fail("krt_park() returned %d wrong values",
				atomic_read(&c->bad));
	return krt_check_probe(kp, KRT_CROWD);
}

/* Stack pointers at entry of the two outermost levels of a recursion. */
static unsigned long krt_level_sp[2];

static int krt_record_level_sp(struct krt_probe *kp, struct krt_pouch *p,
			       struct pt_regs *regs)
{
	if (p->arg < ARRAY_SIZE(krt_level_sp))
		krt_level_sp[p->arg] = p->sp;
	return 0;
}

/*
 * How deep krt_recurse() can go in half of the kernel stack: measured, as
 * the frame size depends on the arch and the compiler.
 */
static int krt_max_depth(unsigned long *depth, unsigned long *frame)
{
	struct krt_probe *kp = &krt_probes[0];
	int ret;

	memset(krt_level_sp, 0, sizeof(krt_level_sp));
	krt_prepare(kp, "krt_recurse", sizeof(struct krt_pouch), NULL);
	kp->on_entry = krt_record_level_sp;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	krt_recurse(1);
	unregister_kretprobe(&kp->rp);

	*frame = krt_level_sp[1] - krt_level_sp[0];
	if (!krt_level_sp[0] || !*frame || *frame > THREAD_SIZE / 8)
		return krt_fail("cannot measure a recursion level: sp %lx, %lx",
				krt_level_sp[1], krt_level_sp[0]);
	*depth = min_t(unsigned long, KRT_DEEP, THREAD_SIZE / 2 / *frame);
	return 0;
}

/*
 * Recursion much deeper than the default pool: every level must come back
 * with its own pouch, last in first out, and nothing may be missed.  1000
 * levels where the kernel stack holds them, else as many as half of it
 * holds.
 */
/* A kretprobe with the default maxactive on every level of krt_recurse(). */
static int krt_recursion_register(struct krt_probe *kp)
{
	int ret;

	krt_prepare(kp, "krt_recurse", sizeof(struct krt_pouch),
		    krt_expect_same);
	kp->rp.maxactive = 0;
	kp->on_return = krt_check_lifo;
	atomic_set(&krt_next_level, 0);
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	return 0;
}

/* krt_recurse(@depth) returned @got: every level paired, in LIFO order. */
static int krt_recursion_check(struct krt_probe *kp, unsigned long depth,
			       unsigned long got)
{
	int ret;

	if (got != depth)
		return krt_fail("krt_recurse(%lu) returned %lu", depth, got);
	ret = krt_check_probe(kp, depth + 1);
	if (ret)
		return ret;
	if (atomic_read(&kp->bad_case))
		return krt_fail("%d of %lu levels returned out of LIFO order",
				atomic_read(&kp->bad_case), depth + 1);
	return 0;
}

static int krt_case_deep_recursion(void)
{
	struct krt_probe *kp = &krt_probes[0];
	unsigned long depth, frame, got;
	int ret;

	ret = krt_max_depth(&depth, &frame) ?: krt_recursion_register(kp);
	if (ret)
		return ret;
	got = krt_recurse(depth);
	unregister_kretprobe(&kp->rp);

	pr_info("deep_recursion: depth %lu (%lu bytes a level, THREAD_SIZE %lu), maxactive %d: %d returns, %d missed\n",
		depth, frame, (unsigned long)THREAD_SIZE, kp->rp.maxactive,
		atomic_read(&kp->returns), kp->rp.nmissed);
	return krt_recursion_check(kp, depth, got);
}

/*
 * A burst: the recursion of deep_recursion, in a new task and with
 * interrupts disabled from its first level to its last return, so that
 * nothing (an irq_work, a worker) can allocate or refill anything while it
 * nests.  Whatever the default pool lacks must be there before the burst
 * starts: no return may be missed however late a refill would run.
 */
static DECLARE_COMPLETION(krt_burst_done);
static unsigned long krt_burst_depth, krt_burst_got;

static int krt_burst_thread(void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	krt_burst_got = krt_recurse(krt_burst_depth);
	local_irq_restore(flags);
	complete(&krt_burst_done);

	return krt_wait_for_stop();
}

static int krt_case_burst(void)
{
	struct krt_probe *kp = &krt_probes[0];
	unsigned long frame;
	struct task_struct *t;
	int ret;

	ret = krt_max_depth(&krt_burst_depth, &frame) ?:
	      krt_recursion_register(kp);
	if (ret)
		return ret;
	reinit_completion(&krt_burst_done);
	krt_burst_got = 0;
	t = kthread_run(krt_burst_thread, NULL, "krt_burst");
	if (IS_ERR(t)) {
		unregister_kretprobe(&kp->rp);
		return krt_fail("kthread_run: %ld", PTR_ERR(t));
	}
	wait_for_completion(&krt_burst_done);
	kthread_stop(t);
	unregister_kretprobe(&kp->rp);

	pr_info("burst: depth %lu with interrupts disabled, maxactive %d: %d returns, %d missed\n",
		krt_burst_depth, kp->rp.maxactive, atomic_read(&kp->returns),
		kp->rp.nmissed);
	return krt_recursion_check(kp, krt_burst_depth, krt_burst_got);
}

/*
 * The interrupt-context case: tasks sleep inside krt_park_or_not() and
 * hold more instances than the default pool has, while an hrtimer (hard
 * IRQ) and a timer (softirq) call it too.
 */
static struct hrtimer krt_hrtimer;
static struct timer_list krt_timer;
static atomic_t krt_hardirq_calls, krt_softirq_calls, krt_irq_entries;
static DECLARE_COMPLETION(krt_hrtimer_done);
static DECLARE_COMPLETION(krt_timer_done);

static enum hrtimer_restart krt_hrtimer_fn(struct hrtimer *t)
{
	int n = atomic_inc_return(&krt_hardirq_calls);

	krt_park_or_not(n, NULL);
	if (n == KRT_HARDIRQ) {
		complete(&krt_hrtimer_done);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ns_to_ktime(KRT_HARDIRQ_NS));
	return HRTIMER_RESTART;
}

static void krt_timer_fn(struct timer_list *t)
{
	int n = atomic_inc_return(&krt_softirq_calls);

	krt_park_or_not(n, NULL);
	if (n == KRT_SOFTIRQ)
		complete(&krt_timer_done);
	else
		mod_timer(t, jiffies + 1);
}

static int krt_count_irq(struct krt_probe *kp, struct krt_pouch *p,
			 struct pt_regs *regs)
{
	if (in_hardirq() || in_serving_softirq())
		atomic_inc(&krt_irq_entries);
	return 0;
}

static int krt_case_interrupt_context(void)
{
	struct krt_probe *kp = &krt_probes[0];
	struct krt_crowd *c = &krt_crowd;
	int ret, parked, back, in_irq;
	bool timers_done;

	krt_prepare(kp, "krt_park_or_not", sizeof(struct krt_pouch),
		    krt_expect_3x1);
	kp->rp.maxactive = 0;
	kp->on_entry = krt_count_irq;
	ret = register_kretprobe(&kp->rp);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	parked = krt_crowd_gather(c, KRT_TASKS, -1, krt_park_or_not);

	atomic_set(&krt_hardirq_calls, 0);
	atomic_set(&krt_softirq_calls, 0);
	atomic_set(&krt_irq_entries, 0);
	reinit_completion(&krt_hrtimer_done);
	reinit_completion(&krt_timer_done);
	hrtimer_setup(&krt_hrtimer, krt_hrtimer_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_REL_HARD);
	timer_setup(&krt_timer, krt_timer_fn, 0);
	/*
	 * One after the other: a hard IRQ that hits while the softirq call
	 * is in a handler of this kprobe would be a kprobe recursion miss,
	 * which is not what this case is about.
	 */
	hrtimer_start(&krt_hrtimer, ns_to_ktime(KRT_HARDIRQ_NS),
		      HRTIMER_MODE_REL_HARD);
	timers_done = wait_for_completion_timeout(&krt_hrtimer_done, KRT_WAIT);
	hrtimer_cancel(&krt_hrtimer);
	mod_timer(&krt_timer, jiffies + 1);
	timers_done = wait_for_completion_timeout(&krt_timer_done, KRT_WAIT) &&
		      timers_done;
	timer_shutdown_sync(&krt_timer);

	back = krt_crowd_release(c);
	krt_crowd_stop(c);
	unregister_kretprobe(&kp->rp);

	in_irq = atomic_read(&krt_irq_entries);
	pr_info("interrupt_context: %d tasks, %d hard IRQ and %d softirq calls, maxactive %d: %d entries (%d in IRQ), %d returns, %d missed\n",
		KRT_TASKS, atomic_read(&krt_hardirq_calls),
		atomic_read(&krt_softirq_calls), kp->rp.maxactive,
		atomic_read(&kp->entries), in_irq, atomic_read(&kp->returns),
		kp->rp.nmissed);
	if (parked != KRT_TASKS || back != KRT_TASKS)
		return krt_fail("%d tasks: %d were inside at once, %d came back",
				KRT_TASKS, parked, back);
	if (!timers_done)
		return krt_fail("the timers did not finish: %d hard IRQ, %d softirq calls",
				atomic_read(&krt_hardirq_calls),
				atomic_read(&krt_softirq_calls));
	if (in_irq != KRT_HARDIRQ + KRT_SOFTIRQ)
		return krt_fail("%d entries in IRQ context, expected %d",
				in_irq, KRT_HARDIRQ + KRT_SOFTIRQ);
	return krt_check_probe(kp, KRT_TASKS + KRT_HARDIRQ + KRT_SOFTIRQ);
}

/*
 * A kretprobe on the nanosleep path, left registered until the module
 * unloads, so that the driver can unload the module while sleepers are
 * still inside the probed function.
 */
static struct krt_probe krt_sleep_probe;
static bool krt_sleep_probe_on;

/* Count only the driver's sleepers, not every task that sleeps. */
static int krt_only_sleepers(struct krt_probe *kp, struct krt_pouch *p,
			     struct pt_regs *regs)
{
	return strcmp(current->comm, "sleep");
}

static int krt_sleep_probe_arm(void)
{
	int ret;

	if (krt_sleep_probe_on)
		return 0;
	krt_prepare(&krt_sleep_probe, "hrtimer_nanosleep",
		    sizeof(struct krt_pouch), NULL);
	krt_sleep_probe.on_entry = krt_only_sleepers;
	ret = register_kretprobe(&krt_sleep_probe.rp);
	if (!ret)
		krt_sleep_probe_on = true;
	return ret;
}

struct krt_case {
	const char *name;
	int (*run)(void);
};

static const struct krt_case krt_cases[] = {
	{ "pairing",		krt_case_pairing },
	{ "voluntary_miss",	krt_case_voluntary_miss },
	{ "recursion",		krt_case_recursion },
	{ "nesting",		krt_case_nesting },
	{ "many_tasks",		krt_case_many_tasks },
	{ "several_probes",	krt_case_several_probes },
	{ "sleep_and_migrate",	krt_case_sleep_and_migrate },
	{ "stack_pointer",	krt_case_stack_pointer },
	{ "return_value",	krt_case_return_value },
	{ "bad_input",		krt_case_bad_input },
	{ "unregister_twice",	krt_case_unregister_twice },
	{ "unregister_failed",	krt_case_unregister_failed },
	{ "exhaustion",		krt_case_exhaustion },
	{ "deep_recursion",	krt_case_deep_recursion },
	{ "burst",		krt_case_burst },
	{ "interrupt_context",	krt_case_interrupt_context },
};

static DEFINE_MUTEX(krt_lock);
static struct dentry *krt_dir;

static ssize_t krt_run_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[32], *name;
	size_t i;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	name = strim(buf);

	for (i = 0; i < ARRAY_SIZE(krt_cases); i++) {
		if (strcmp(name, krt_cases[i].name))
			continue;
		mutex_lock(&krt_lock);
		strscpy(krt_result, "running", sizeof(krt_result));
		if (!krt_cases[i].run())
			strscpy(krt_result, "pass", sizeof(krt_result));
		mutex_unlock(&krt_lock);
		return len;
	}
	return -ENOENT;
}

static ssize_t krt_result_read(struct file *file, char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	char buf[sizeof(krt_result) + 1];
	int n;

	mutex_lock(&krt_lock);
	n = scnprintf(buf, sizeof(buf), "%s\n", krt_result);
	mutex_unlock(&krt_lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t krt_cases_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	char buf[512];
	size_t i;
	int n = 0;

	for (i = 0; i < ARRAY_SIZE(krt_cases); i++)
		n += scnprintf(buf + n, sizeof(buf) - n, "%s\n",
			       krt_cases[i].name);
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static ssize_t krt_sleep_probe_write(struct file *file,
				     const char __user *ubuf, size_t len,
				     loff_t *ppos)
{
	int ret;

	mutex_lock(&krt_lock);
	ret = krt_sleep_probe_arm();
	mutex_unlock(&krt_lock);
	return ret ?: len;
}

static ssize_t krt_inflight_read(struct file *file, char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct krt_probe *kp = &krt_sleep_probe;
	char buf[16];
	int n;

	n = scnprintf(buf, sizeof(buf), "%d\n",
		      atomic_read(&kp->entries) - atomic_read(&kp->returns));
	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations krt_run_fops = {
	.owner	= THIS_MODULE,
	.write	= krt_run_write,
	.llseek	= noop_llseek,
};

static const struct file_operations krt_result_fops = {
	.owner	= THIS_MODULE,
	.read	= krt_result_read,
	.llseek	= default_llseek,
};

static const struct file_operations krt_cases_fops = {
	.owner	= THIS_MODULE,
	.read	= krt_cases_read,
	.llseek	= default_llseek,
};

static const struct file_operations krt_sleep_probe_fops = {
	.owner	= THIS_MODULE,
	.write	= krt_sleep_probe_write,
	.llseek	= noop_llseek,
};

static const struct file_operations krt_inflight_fops = {
	.owner	= THIS_MODULE,
	.read	= krt_inflight_read,
	.llseek	= default_llseek,
};

static int __init krt_init(void)
{
	krt_recurse_fn = krt_recurse;
	krt_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, krt_dir, NULL, &krt_run_fops);
	debugfs_create_file("result", 0400, krt_dir, NULL, &krt_result_fops);
	debugfs_create_file("cases", 0400, krt_dir, NULL, &krt_cases_fops);
	debugfs_create_file("sleep_probe", 0200, krt_dir, NULL,
			    &krt_sleep_probe_fops);
	debugfs_create_file("inflight", 0400, krt_dir, NULL,
			    &krt_inflight_fops);
	strscpy(krt_result, "no case run yet", sizeof(krt_result));
	return 0;
}

static void __exit krt_exit(void)
{
	debugfs_remove_recursive(krt_dir);
	if (krt_sleep_probe_on)
		unregister_kretprobe(&krt_sleep_probe.rp);
}

module_init(krt_init);
module_exit(krt_exit);
MODULE_DESCRIPTION("kselftest module for the kretprobe entry-handler and pouch contract");
MODULE_LICENSE("GPL");
