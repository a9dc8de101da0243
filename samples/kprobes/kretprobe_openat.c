// SPDX-License-Identifier: GPL-2.0-only
/*
 * kretprobe_openat.c - capture several values at function entry with a
 * kretprobe entry handler, keep them in the per-instance data pouch, and
 * report them together with the return value when the function returns.
 *
 * The probed function is do_sys_openat2(), which every open(), openat()
 * and openat2() goes through:
 *
 *	int do_sys_openat2(int dfd, const char __user *filename,
 *			   struct open_how *how);
 *
 * At entry the handler keeps the directory fd, a bounded copy of the file
 * name, the flags and mode, the pid, the CPU and a timestamp.  At return
 * one line is logged, for instance:
 *
 *	pid 123 (cat) openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3 in 8123 ns, cpu 0->1
 *
 * usage: insmod kretprobe_openat.ko [pid=<tgid>] [comm=<name>] [symbol=<func>]
 *
 * pid and comm restrict the report to one process or one command name.
 * The entry handler applies them and returns non-zero for a call that does
 * not match: that call is not probed further, its instance goes straight
 * back to the pool and no return handler runs.  symbol names another
 * function with the arguments of do_sys_openat2().  Lines are rate
 * limited; on unload the module logs how many calls it paired, how many
 * it missed for want of a free instance, how many the filter skipped and
 * how many lines the rate limit dropped.
 *
 * For more on the entry handler and the data pouch, see
 * Documentation/trace/kprobes.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/openat2.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

static char symbol[KSYM_NAME_LEN] = "do_sys_openat2";
module_param_string(symbol, symbol, sizeof(symbol), 0444);
MODULE_PARM_DESC(symbol, "Function to probe, with the arguments of do_sys_openat2() (default do_sys_openat2)");

static int pid;
module_param(pid, int, 0444);
MODULE_PARM_DESC(pid, "Report only the calls of this process (thread group id; default: any)");

static char comm[TASK_COMM_LEN];
module_param_string(comm, comm, sizeof(comm), 0444);
MODULE_PARM_DESC(comm, "Report only the calls of tasks with this command name (default: any)");

/* The bytes of a file name kept; a longer one is reported cut, with "...". */
#define OPENAT_NAME_LEN		64

/* What the entry handler keeps for the return handler: the data pouch. */
struct openat_pouch {
	u64 start_ns;
	u64 flags;
	u64 mode;
	const char __user *uname;	/* to retry the copy at return */
	pid_t pid;
	int dfd;
	int cpu;
	int name_len;			/* -EFAULT: not copied yet */
	char name[OPENAT_NAME_LEN];
};

static atomic_long_t paired = ATOMIC_LONG_INIT(0);
static atomic_long_t skipped = ATOMIC_LONG_INIT(0);
static atomic_long_t unprinted = ATOMIC_LONG_INIT(0);

/* One line per call would flood the log: at most 50 lines in 5 seconds. */
static DEFINE_RATELIMIT_STATE(openat_rs, 5 * HZ, 50);

/*
 * Copy a NUL-terminated string of up to OPENAT_NAME_LEN bytes from user
 * memory without faulting or sleeping, page by page so that a short name
 * at the end of the last mapped page is still read.  Returns its length;
 * OPENAT_NAME_LEN when only a part is kept (a longer name, or one running
 * into a page that is not present); -EFAULT when nothing could be read.
 * A page that is not present is not faulted in here.  This is what
 * strncpy_from_user_nofault() does, which modules cannot use.
 */
static int openat_copy_name(char *dst, const char __user *src)
{
	size_t done = 0, chunk;
	char *nul;

	while (done < OPENAT_NAME_LEN) {
		chunk = min_t(size_t, OPENAT_NAME_LEN - done,
			      PAGE_SIZE - offset_in_page(src + done));
		if (copy_from_user_nofault(dst + done, src + done, chunk))
			break;
		nul = memchr(dst + done, '\0', chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	if (!done)
		return -EFAULT;
	/* No NUL in what could be read: keep it, cut, and say so. */
	dst[done < OPENAT_NAME_LEN ? done : OPENAT_NAME_LEN - 1] = '\0';
	return OPENAT_NAME_LEN;
}

/*
 * Entry handler: runs before the probed function, with preemption
 * disabled, so it must not sleep or fault.  Returning non-zero is a
 * voluntary miss: this call is not followed to its return.
 */
static int openat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct openat_pouch *p = (struct openat_pouch *)ri->data;
	const struct open_how *how;
	struct open_how khow;

	if ((pid && task_tgid_nr(current) != pid) ||
	    (comm[0] && strncmp(current->comm, comm, TASK_COMM_LEN))) {
		atomic_long_inc(&skipped);
		return 1;
	}

	/*
	 * how points to kernel memory (the caller's stack), but symbol= may
	 * name any function: read it without trusting the pointer.
	 */
	how = (const struct open_how *)regs_get_kernel_argument(regs, 2);
	if (copy_from_kernel_nofault(&khow, how, sizeof(khow))) {
		atomic_long_inc(&skipped);
		return 1;
	}

	p->dfd = (int)regs_get_kernel_argument(regs, 0);
	p->uname = (const char __user *)regs_get_kernel_argument(regs, 1);
	p->name_len = openat_copy_name(p->name, p->uname);
	p->flags = khow.flags;
	p->mode = khow.mode;
	p->pid = task_tgid_nr(current);
	p->cpu = smp_processor_id();
	p->start_ns = ktime_get_ns();
	return 0;
}

static const struct {
	u64 mask;
	const char *name;
} openat_flag_names[] = {
	/* Two-bit flags first: O_SYNC has O_DSYNC, O_TMPFILE O_DIRECTORY. */
	{ O_SYNC,	"O_SYNC" },
	{ O_TMPFILE,	"O_TMPFILE" },
	{ O_CREAT,	"O_CREAT" },
	{ O_EXCL,	"O_EXCL" },
	{ O_NOCTTY,	"O_NOCTTY" },
	{ O_TRUNC,	"O_TRUNC" },
	{ O_APPEND,	"O_APPEND" },
	{ O_NONBLOCK,	"O_NONBLOCK" },
	{ O_DSYNC,	"O_DSYNC" },
	{ FASYNC,	"FASYNC" },
	{ O_DIRECT,	"O_DIRECT" },
	{ O_DIRECTORY,	"O_DIRECTORY" },
	{ O_NOFOLLOW,	"O_NOFOLLOW" },
	{ O_NOATIME,	"O_NOATIME" },
	{ O_CLOEXEC,	"O_CLOEXEC" },
	{ O_PATH,	"O_PATH" },
};

/*
 * "O_WRONLY|O_CREAT|O_TRUNC".  The values differ between architectures,
 * hence the macros.  O_LARGEFILE is left out: the kernel adds it to every
 * open on 64-bit, and 32-bit C libraries pass it for 64-bit offsets.
 */
static int openat_flags_str(char *buf, size_t size, u64 flags)
{
	static const char * const acc[] = {
		"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"
	};
	int i, len;

	len = scnprintf(buf, size, "%s", acc[flags & O_ACCMODE]);
	flags &= ~(u64)(O_ACCMODE | O_LARGEFILE);
	for (i = 0; i < ARRAY_SIZE(openat_flag_names); i++) {
		u64 mask = openat_flag_names[i].mask;

		if ((flags & mask) == mask) {
			len += scnprintf(buf + len, size - len, "|%s",
					 openat_flag_names[i].name);
			flags &= ~mask;
		}
	}
	if (flags)
		len += scnprintf(buf + len, size - len, "|%#llx", flags);
	return len;
}

/* Return handler: the pouch holds what the entry handler of this call kept. */
static int openat_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct openat_pouch *p = (struct openat_pouch *)ri->data;
	u64 ns = ktime_get_ns() - p->start_ns;
	/*
	 * do_sys_openat2() returns int: on x86_64 the upper half of the
	 * return register is not part of the value.
	 */
	int ret = regs_return_value(regs);
	char args[OPENAT_NAME_LEN + 160];
	char retstr[24];
	int len;

	atomic_long_inc(&paired);
	if (!__ratelimit(&openat_rs)) {
		atomic_long_inc(&unprinted);
		return 0;
	}

	/*
	 * The entry copy fails when the name's page was not present; the
	 * open has faulted it in since (or failed with -EFAULT).
	 */
	if (p->name_len < 0)
		p->name_len = openat_copy_name(p->name, p->uname);

	if (p->dfd == AT_FDCWD)
		len = scnprintf(args, sizeof(args), "AT_FDCWD, ");
	else
		len = scnprintf(args, sizeof(args), "%d, ", p->dfd);
	if (p->name_len < 0)
		len += scnprintf(args + len, sizeof(args) - len, "<unreadable>, ");
	else
		len += scnprintf(args + len, sizeof(args) - len, "\"%s\"%s, ",
				 p->name, p->name_len >= OPENAT_NAME_LEN ?
				 "..." : "");
	len += openat_flags_str(args + len, sizeof(args) - len, p->flags);
	if (p->flags & (O_CREAT | __O_TMPFILE))
		scnprintf(args + len, sizeof(args) - len, ", %#llo", p->mode);

	if (ret < 0)
		scnprintf(retstr, sizeof(retstr), "%pe", ERR_PTR(ret));
	else
		scnprintf(retstr, sizeof(retstr), "%d", ret);

	pr_info("pid %d (%s) openat(%s) = %s in %llu ns, cpu %d->%d\n",
		p->pid, current->comm, args, retstr, ns, p->cpu,
		smp_processor_id());
	return 0;
}

static struct kretprobe openat_kretprobe = {
	.handler	= openat_return,
	.entry_handler	= openat_entry,
	.data_size	= sizeof(struct openat_pouch),
	/* .maxactive = 0: the default, max(10, 2 * num_possible_cpus()) */
};

static int __init kretprobe_openat_init(void)
{
	int ret;

	/* Count dropped lines here; do not print "callbacks suppressed". */
	ratelimit_set_flags(&openat_rs, RATELIMIT_MSG_ON_RELEASE);

	openat_kretprobe.kp.symbol_name = symbol;
	ret = register_kretprobe(&openat_kretprobe);
	if (ret < 0) {
		pr_err("register_kretprobe on %s failed: %d\n", symbol, ret);
		return ret;
	}
	pr_info("probing %s: %d instances, %zu-byte pouch, pid=%d comm=%s\n",
		symbol, openat_kretprobe.maxactive, sizeof(struct openat_pouch),
		pid, comm[0] ? comm : "(any)");
	return 0;
}

static void __exit kretprobe_openat_exit(void)
{
	/* After this no handler runs any more: the counts are final. */
	unregister_kretprobe(&openat_kretprobe);
	pr_info("%s: %ld calls paired, %d missed (no free instance), %ld skipped by the filter, %ld lines not printed (rate limit)\n",
		symbol, atomic_long_read(&paired), openat_kretprobe.nmissed,
		atomic_long_read(&skipped), atomic_long_read(&unprinted));
}

module_init(kretprobe_openat_init);
module_exit(kretprobe_openat_exit);
MODULE_DESCRIPTION("kretprobe sample: openat arguments captured at entry, reported at return");
MODULE_LICENSE("GPL");
