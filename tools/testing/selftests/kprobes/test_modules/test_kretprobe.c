// SPDX-License-Identifier: GPL-2.0
/*
 * test_kretprobe.c - kselftest module for the kretprobe entry-handler and
 * per-instance data ("pouch") contract.
 *
 * Each case probes functions of this module with kretprobes, calls them and
 * checks what the handlers saw.  Cases run one at a time, driven through
 * debugfs by test_kretprobe.sh:
 *
 *   /sys/kernel/debug/test_kretprobe/cases   names of the cases
 *   /sys/kernel/debug/test_kretprobe/run     write a case name to run it
 *   /sys/kernel/debug/test_kretprobe/result  "pass" or "fail: <why>"
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define KRT_CALLS	1000
#define KRT_MAGIC	0x6b727462UL

/* What an entry handler leaves in the pouch, checked by the return handler. */
struct krt_pouch {
	struct kretprobe_instance *self;
	struct task_struct *task;
	unsigned long arg;
	unsigned long seq;
	unsigned long magic;
};

/* Handler bookkeeping of the running case; cases are serialized. */
static atomic_t krt_entries;
static atomic_t krt_returns;
static atomic_t krt_bad_pouch;
static atomic_t krt_bad_retval;
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

static void krt_reset_counters(void)
{
	atomic_set(&krt_entries, 0);
	atomic_set(&krt_returns, 0);
	atomic_set(&krt_bad_pouch, 0);
	atomic_set(&krt_bad_retval, 0);
}

/*
 * The probed function.  noinline and __noipa keep one out-of-line copy with
 * this name, so that a probe on the symbol sees every call.
 */
static noinline __noipa unsigned long krt_target(unsigned long x)
{
	return x * 3 + 1;
}

static int krt_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct krt_pouch *p = (struct krt_pouch *)ri->data;

	p->self = ri;
	p->task = current;
	p->arg = regs_get_kernel_argument(regs, 0);
	p->seq = atomic_long_inc_return(&krt_seq);
	p->magic = KRT_MAGIC ^ p->seq;
	atomic_inc(&krt_entries);
	return 0;
}

static int krt_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct krt_pouch *p = (struct krt_pouch *)ri->data;

	atomic_inc(&krt_returns);
	if (p->self != ri || p->task != current ||
	    p->magic != (KRT_MAGIC ^ p->seq))
		atomic_inc(&krt_bad_pouch);
	if (regs_return_value(regs) != p->arg * 3 + 1)
		atomic_inc(&krt_bad_retval);
	return 0;
}

static struct kretprobe krt_probe;

/*
 * A kretprobe is set up from scratch for every registration: registering
 * fills in kp.addr, and a symbol name together with an address is refused.
 */
static void krt_prepare(struct kretprobe *rp, const char *symbol)
{
	memset(rp, 0, sizeof(*rp));
	rp->kp.symbol_name = symbol;
	rp->entry_handler = krt_entry;
	rp->handler = krt_return;
	rp->data_size = sizeof(struct krt_pouch);
}

/* Run krt_target @calls times under krt_probe and check the counters. */
static int krt_run_calls(int calls)
{
	unsigned long sum = 0;
	int ret, i;

	krt_reset_counters();
	krt_prepare(&krt_probe, "krt_target");
	ret = register_kretprobe(&krt_probe);
	if (ret)
		return krt_fail("register_kretprobe: %d", ret);
	for (i = 0; i < calls; i++)
		sum += krt_target(i);
	unregister_kretprobe(&krt_probe);

	if (sum != 3UL * calls * (calls - 1) / 2 + calls)
		return krt_fail("the probed function computed a wrong sum");
	if (atomic_read(&krt_entries) != calls ||
	    atomic_read(&krt_returns) != calls || krt_probe.nmissed)
		return krt_fail("%d calls: %d entries, %d returns, %d missed",
				calls, atomic_read(&krt_entries),
				atomic_read(&krt_returns), krt_probe.nmissed);
	return 0;
}

/* Every entry has exactly one return, with its own pouch intact. */
static int krt_case_pairing(void)
{
	int ret = krt_run_calls(KRT_CALLS);

	if (ret)
		return ret;
	if (atomic_read(&krt_bad_pouch))
		return krt_fail("%d of %d pouches changed between entry and return",
				atomic_read(&krt_bad_pouch), KRT_CALLS);
	return 0;
}

/* regs_return_value() in the return handler is what the function returned. */
static int krt_case_return_value(void)
{
	int ret = krt_run_calls(KRT_CALLS);

	if (ret)
		return ret;
	if (atomic_read(&krt_bad_retval))
		return krt_fail("%d of %d return values differ from the function's",
				atomic_read(&krt_bad_retval), KRT_CALLS);
	return 0;
}

struct krt_case {
	const char *name;
	int (*run)(void);
};

static const struct krt_case krt_cases[] = {
	{ "pairing",		krt_case_pairing },
	{ "return_value",	krt_case_return_value },
};

static DEFINE_MUTEX(krt_lock);
static struct dentry *krt_dir;

static ssize_t krt_run_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char name[32];
	size_t i;

	if (len >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, len))
		return -EFAULT;
	name[len] = '\0';
	strim(name);

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

static const struct file_operations krt_run_fops = {
	.write	= krt_run_write,
	.llseek	= noop_llseek,
};

static const struct file_operations krt_result_fops = {
	.read	= krt_result_read,
	.llseek	= default_llseek,
};

static const struct file_operations krt_cases_fops = {
	.read	= krt_cases_read,
	.llseek	= default_llseek,
};

static int __init krt_init(void)
{
	krt_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, krt_dir, NULL, &krt_run_fops);
	debugfs_create_file("result", 0400, krt_dir, NULL, &krt_result_fops);
	debugfs_create_file("cases", 0400, krt_dir, NULL, &krt_cases_fops);
	strscpy(krt_result, "no case run yet", sizeof(krt_result));
	return 0;
}

static void __exit krt_exit(void)
{
	debugfs_remove_recursive(krt_dir);
}

module_init(krt_init);
module_exit(krt_exit);
MODULE_DESCRIPTION("kselftest module for the kretprobe entry-handler and pouch contract");
MODULE_LICENSE("GPL");
