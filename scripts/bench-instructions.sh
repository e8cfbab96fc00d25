#!/usr/bin/env bash
# Counts the instructions of one scripted call (actors/call
# BenchmarkScriptedCall: a minute of conversation in virtual time, recorded
# as MP3, with a background sound) under callgrind, and prints them per
# call-second. Instruction counts do not depend on what else the machine is
# doing, so a change in the call path's cost shows as it is, where timings
# on this shared machine drown it.
#
# The figure is the marginal cost of a call: the whole test process run
# with one scripted call and with three, the difference halved. What runs
# once per process (package set-up, the background sound resampled for the
# line's rate) cancels out; what remains is the call actor, its
# conversation machine, pacing, mixing and recording (the engine), and the
# scripted providers, carrier and harness around it (the same in every
# run). One scheduler thread (GOMAXPROCS=1) and no asynchronous preemption
# (callgrind cannot follow its signals) keep it repeatable to a few
# percent. The runtime is kept off RDTSCP (cpu.rdtscp=off), which the
# valgrind of Debian 12 cannot decode: on CPUs that have it, the Go runtime
# would otherwise die of SIGILL under callgrind. TOP=n lists the n
# costliest functions of the three-call run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "bench-instructions: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/call.test" ./actors/call/
count() { # count N: the instructions of a run with N scripted calls
	GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg$1.out" \
		"$tmp/call.test" -test.run='^$' -test.bench=ScriptedCall -test.benchtime="$1x" >"$tmp/bench$1.txt" 2>"$tmp/valgrind$1.txt" || {
		cat "$tmp/bench$1.txt" "$tmp/valgrind$1.txt" >&2
		exit 1
	}
	callgrind_annotate "$tmp/cg$1.out" >"$tmp/annotate$1.txt" 2>/dev/null
	awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }' "$tmp/annotate$1.txt"
}
one=$(count 1)
three=$(count 3)
call_s=$(awk '/BenchmarkScriptedCall/ { for (i = 1; i < NF; i++) if ($(i+1) == "call-s") print $i }' "$tmp/bench3.txt")
echo "one call: $one instructions; three calls: $three; a call lasts $call_s s"
awk -v a="$one" -v b="$three" -v s="$call_s" 'BEGIN { printf "instructions per call-second: %.0f\n", (b - a) / 2 / s }'
if [ "${TOP:-0}" -gt 0 ]; then
	grep -A "$TOP" '^Ir  *file:function' "$tmp/annotate3.txt" | tail -n "$TOP"
fi
