#!/usr/bin/env bash
# Idle cost of `nightshift serve` with 100 jobs declared and none due.
#
# Builds the release CLI, declares 100 jobs in a temporary workspace (half cron once a day at an hour
# far from now, half `every = "6h"`), starts the daemon, lets it settle for STARTUP_SECONDS, then
# samples it for WINDOW_SECONDS from /proc:
#   - CPU: utime + stime of the whole process (/proc/PID/stat, clock ticks), as % of one core;
#   - RSS: VmRSS (/proc/PID/status), at the end of the window and the highest sample;
#   - wake-ups: voluntary context switches per second, of the main thread (/proc/PID/status) and
#     summed over all threads (/proc/PID/task/*/status), in total and second by second.
# An idle scheduler should sleep until the next due slot, so CPU stays near 0 % and wake-ups near 0/s.
#
# Linux only (reads /proc). Opens no network socket; runs bounded (about STARTUP + WINDOW + a few
# seconds) and stops the daemon with SIGTERM (SIGKILL if it is still there 15 s later).
#
# Usage: bash Benchmarks/idle-daemon.sh          (from the repository root, or from anywhere)
# Environment: WINDOW_SECONDS (default 60), STARTUP_SECONDS (default 5), JOBS (default 100),
#              SKIP_BUILD=1 to reuse an existing release build.
set -euo pipefail

WINDOW_SECONDS=${WINDOW_SECONDS:-60}
STARTUP_SECONDS=${STARTUP_SECONDS:-5}
JOBS=${JOBS:-100}

[ -r /proc/self/stat ] || { echo "idle-daemon.sh: needs Linux /proc" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "building: swift build -c release --product nightshift (in $root)" >&2
    (cd "$root" && swift build -c release --product nightshift >&2)
fi
bin="$(cd "$root" && swift build -c release --show-bin-path)/nightshift"
[ -x "$bin" ] || { echo "idle-daemon.sh: $bin not found; build it first" >&2; exit 1; }

workspace=$(mktemp -d "${TMPDIR:-/tmp}/nightshift-idle.XXXXXX")
pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -rf "$workspace"
}
trap cleanup EXIT

# `every = "6h"` fires at 00:00, 06:00, 12:00 and 18:00 UTC. If one of those falls inside the run,
# wait until it has passed, so that nothing is due while we measure.
budget=$((STARTUP_SECONDS + WINDOW_SECONDS + 30))
now=$(date -u +%s)
to_boundary=$(( 21600 - now % 21600 ))
if [ "$to_boundary" -le "$budget" ]; then
    echo "waiting ${to_boundary}s for the 6-hourly slot to pass, so that nothing fires while measuring" >&2
    sleep $((to_boundary + 2))
fi
# Cron jobs fire daily at an hour twelve hours away from now.
cron_hour=$(( ($(date -u +%-H) + 12) % 24 ))

{
    echo '[workspace]'
    echo 'name = "idle-benchmark"'
    echo 'time_zone = "UTC"'
    echo 'shutdown_grace = "5s"'
    for i in $(seq 1 "$JOBS"); do
        echo
        echo "[jobs.job-$i]"
        if [ $((i % 2)) -eq 0 ]; then
            echo "schedule = \"$((i % 60)) $cron_hour * * *\""
        else
            echo 'every = "6h"'
        fi
        echo 'command = ["true"]'
    done
} > "$workspace/nightshift.toml"

"$bin" config check --workspace "$workspace" >/dev/null
# A binary just linked sits in the page cache as dirty pages until written back, and would count as
# the daemon's private dirty memory; write it out first.
sync "$bin"

"$bin" serve --workspace "$workspace" --log-level notice 2>"$workspace/serve.log" &
pid=$!
sleep "$STARTUP_SECONDS"
if ! kill -0 "$pid" 2>/dev/null; then
    echo "idle-daemon.sh: the daemon exited during start-up:" >&2
    cat "$workspace/serve.log" >&2
    exit 1
fi

ticks=$(getconf CLK_TCK)

# utime + stime (fields 14 and 15) of the whole process; fields are counted after the ")" that ends
# the command name, which may itself contain spaces.
cpu_ticks() {
    local stat
    stat=$(cat "/proc/$1/stat")
    stat=${stat##*) }
    awk '{ print $12 + $13 }' <<<"$stat"
}
status_field() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
# "TID COUNT" per thread: voluntary context switches. Threads come and go (GRDB's and Dispatch's
# worker threads), and an exited thread takes its count with it, so wake-ups are summed as per-thread
# increases between consecutive one-second snapshots (a new thread counts from zero). Only switches of
# a thread that is born and dies between two snapshots are lost: the figure is a lower bound.
thread_switches() {
    local task
    for task in /proc/"$1"/task/*; do
        awk -v tid="${task##*/}" '$1 == "voluntary_ctxt_switches:" { print tid, $2 }' "$task/status" 2>/dev/null || true
    done
}
# Wake-ups between two snapshots (files) of thread_switches.
switches_between() {
    awk 'NR == FNR { before[$1] = $2; next } { delta += $2 - (($1 in before) ? before[$1] : 0) } END { print delta + 0 }' "$1" "$2"
}
thread_ids() { ls "/proc/$1/task" | sort -n | tr '\n' ' '; }

start_cpu=$(cpu_ticks "$pid")
start_main=$(status_field "$pid" voluntary_ctxt_switches)
thread_switches "$pid" >"$workspace/switches.before"
start_threads=$(thread_ids "$pid")
start_ns=$(date +%s%N)
max_rss=0
series=""
all=0
for second in $(seq 1 "$WINDOW_SECONDS"); do
    # Sleep to the next whole second of the window, so reading /proc does not stretch it.
    wait_ns=$((start_ns + second * 1000000000 - $(date +%s%N)))
    [ "$wait_ns" -gt 0 ] && sleep "$(printf '%d.%09d' $((wait_ns / 1000000000)) $((wait_ns % 1000000000)))"
    kill -0 "$pid" 2>/dev/null || { echo "idle-daemon.sh: the daemon exited while measuring" >&2; cat "$workspace/serve.log" >&2; exit 1; }
    rss=$(status_field "$pid" VmRSS)
    [ "$rss" -gt "$max_rss" ] && max_rss=$rss
    thread_switches "$pid" >"$workspace/switches.after"
    step=$(switches_between "$workspace/switches.before" "$workspace/switches.after")
    series="$series $step"
    all=$((all + step))
    mv "$workspace/switches.after" "$workspace/switches.before"
done
end_ns=$(date +%s%N)
end_cpu=$(cpu_ticks "$pid")
end_main=$(status_field "$pid" voluntary_ctxt_switches)
end_threads=$(thread_ids "$pid")
end_rss=$(status_field "$pid" VmRSS)
thread_count=$(status_field "$pid" Threads)
# What the RSS is made of, at the end of the window: anonymous pages (heap, stacks, pages of the
# binary and libraries written at load) against pages mapped from files (code and read-only data),
# and, from smaps_rollup, what only this process holds (private) against what it shares with other
# processes mapping the same libraries. Private dirty is what the daemon really costs the machine:
# clean file pages can be dropped by the kernel and read again.
rss_anon=$(status_field "$pid" RssAnon)
rss_file=$(status_field "$pid" RssFile)
rollup() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/smaps_rollup"; }
private_dirty=$(rollup "$pid" Private_Dirty)
private_clean=$(rollup "$pid" Private_Clean)
shared_clean=$(rollup "$pid" Shared_Clean)
pss=$(rollup "$pid" Pss)

kill -TERM "$pid"
for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
stopped="exited after SIGTERM"
if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    stopped="did NOT exit within 15 s of SIGTERM; killed"
fi
wait "$pid" 2>/dev/null || true
pid=""

runs=$("$bin" runs list --workspace "$workspace" --limit 1000 --json | grep -c '"id"' || true)

awk -v ticks="$ticks" -v cpu="$((end_cpu - start_cpu))" \
    -v ns="$((end_ns - start_ns))" \
    -v main="$((end_main - start_main))" -v all="$all" \
    -v rss="$end_rss" -v maxrss="$max_rss" -v threads="$thread_count" -v jobs="$JOBS" \
    -v anon="$rss_anon" -v file="$rss_file" -v pdirty="$private_dirty" -v pclean="$private_clean" \
    -v sclean="$shared_clean" -v pss="$pss" \
    -v same="$([ "$start_threads" = "$end_threads" ] && echo yes || echo no)" \
    -v series="$series" -v runs="$runs" -v stopped="$stopped" -v uname="$(uname -r)" -v cores="$(nproc)" '
BEGIN {
    window = ns / 1e9
    seconds = cpu / ticks
    printf "idle nightshift serve, %d jobs declared, %.1f s window (Linux %s, %d cores)\n", jobs, window, uname, cores
    printf "cpu_time_s          %.2f  (%d ticks at %d/s)\n", seconds, cpu, ticks
    printf "cpu_percent         %.3f %%  (of one core)\n", 100 * seconds / window
    printf "rss_mib             %.1f  (end of window; max sample %.1f)\n", rss / 1024, maxrss / 1024
    printf "rss_anon_mib        %.1f  (RssAnon: heap, thread stacks, written pages of the binary and libraries)\n", anon / 1024
    printf "rss_file_mib        %.1f  (RssFile: pages mapped from the binary and library files)\n", file / 1024
    printf "private_dirty_mib   %.1f  (smaps_rollup: only this process holds them and the kernel cannot drop them)\n", pdirty / 1024
    printf "private_clean_mib   %.1f  (file pages no other process maps, mostly the binary'"'"'s own code)\n", pclean / 1024
    printf "shared_clean_mib    %.1f  (file pages other processes map too: the Swift runtime, Foundation, libc)\n", sclean / 1024
    printf "pss_mib             %.1f  (proportional set size: shared pages divided among their users)\n", pss / 1024
    printf "threads             %d  (same thread ids at start and end: %s)\n", threads, same
    printf "wakeups_per_s_main  %.2f  (voluntary context switches of the main thread)\n", main / window
    printf "wakeups_per_s_all   %.2f  (voluntary context switches summed over all threads, lower bound)\n", all / window
    printf "per_second_all     %s\n", series
    printf "runs_recorded       %d  (must be 0: nothing was due)\n", runs
    printf "shutdown            %s\n", stopped
}'
