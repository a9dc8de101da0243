#!/bin/sh
# Runs in the guest (GUEST_CMD of harness/bench.sh): load the benchmark
# module, print one "KR-BENCH ..." line per measurement, power off.
D=/sys/kernel/debug/kretprobe_bench
say() { echo "KR-BENCH $*"; }

# Slab, vmalloc and per-CPU memory in use, in kB.
mem() { awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }

# Let RCU and freeing settle before a memory reading.
settle() { sleep 2; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; sleep 1; }

if insmod /kselftest/bench/kretprobe_bench.ko; then
	say "kernel $(uname -r) $(uname -m) cpus $(nproc)"
	for tasks in 1 $(nproc); do
		if echo "cost $tasks" >$D/cmd; then
			cat $D/out | while read -r row rest; do
				say "cost $row $tasks $rest"
			done
		else
			say "error cost $tasks"
		fi
	done
	echo "capacity 4096" >$D/cmd && say "capacity $(cat $D/out)"
	for n in 1 100 1000; do
		settle; m0=$(mem)
		echo "probes $n" >$D/cmd
		settle; m1=$(mem)
		say "memory probes $n $((m1 - m0))"
		echo "probes 0" >$D/cmd
	done
	# 1000 more tasks while one kretprobe is registered.
	echo "probes 1" >$D/cmd
	settle; m0=$(mem)
	pids=""
	for i in $(seq 1000); do
		sleep 600 &
		pids="$pids $!"
	done
	settle; m1=$(mem)
	kill $pids
	say "memory tasks 1000 $((m1 - m0))"
	echo "probes 0" >$D/cmd
else
	say "error cannot load kretprobe_bench.ko"
fi
# What the module logged (probe addresses, dropped rows), for the console.
dmesg | grep 'kretprobe_bench' | sed 's/^/KR-BENCH-LOG /'
say "end"
poweroff -f
