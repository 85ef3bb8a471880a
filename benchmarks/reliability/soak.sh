#!/usr/bin/env bash
# Soak test: the sample application behind the nginx gateway stand-in, under a steady
# wrk load for several minutes. Records the heap used after a full GC at the start
# (after warm-up), the middle and the end, wrk's requests, non-2xx responses and socket
# errors, the number of inferred.proxy.requests and inferred.proxy.transit meters, and
# the machine's load and the CPU used by other processes during the window.
#
#   benchmarks/reliability/soak.sh                  # Spring MVC (Tomcat), 300 s
#   STACK=reactive benchmarks/reliability/soak.sh   # Spring WebFlux (Reactor Netty)
#   DURATION=20 WARMUP=5 benchmarks/reliability/soak.sh   # a quick try
#
# Environment: DURATION seconds of measured load (300), WARMUP seconds before the first
# measurement (30), SLICE seconds per wrk run within the window (60; one result line
# each, so that a drift shows), CONNECTIONS (16), HEAP (-Xms/-Xmx, 512m), APP_ARGS (more
# application arguments), SKIP_BUILD=1 to reuse the sample jar.
#
# Loopback only (127.0.0.1). Bounded: every wrk run has a fixed duration, the
# application must be up within 90 s, each jcmd call has 60 s. One application and one
# nginx at a time, both stopped by their PID on exit, failure or Ctrl-C.
set -euo pipefail

DURATION=${DURATION:-300}
WARMUP=${WARMUP:-30}
SLICE=${SLICE:-60}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

require_tools nginx top
build_sample

# $1: seconds. Prints soak.lua's RESULT line.
run_wrk() {
	(cd "$here" && wrk -t1 -c"$CONNECTIONS" -d"$1s" --timeout 5s --latency -s soak.lua "$gateway") \
		| grep '^RESULT\|^# note'
}

started=$(date +%s)
# $1: the point's name. Heap after a full GC, RSS, load, and the gateway meters.
measure() {
	local heap
	heap=$(heap_after_gc)
	echo "$1 $heap" >> "$work/heap"
	echo "point=$1 t=$(($(date +%s) - started))s heap_after_full_gc_mb=$heap rss_mb=$(rss_mb) load=$(loadavg)"
	echo "  $(meters inferred.proxy.requests)"
	echo "  $(meters inferred.proxy.transit)"
	echo "  $(meters inferred.proxy.rejected)"
}

# $1: seconds of load, in slices of at most SLICE seconds.
load_for() {
	local left=$1 seconds line
	while [ "$left" -gt 0 ]; do
		seconds=$((left < SLICE ? left : SLICE))
		line=$(run_wrk "$seconds")
		slice=$((slice + 1))
		echo "slice $slice ${seconds}s $line load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$work/slices"
		left=$((left - seconds))
	done
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
echo "# soak $(date -u +%FT%TZ) commit=$commit stack=$STACK duration=${DURATION}s warmup=${WARMUP}s slice=${SLICE}s connections=$CONNECTIONS heap=$HEAP ${APP_ARGS:-}"
echo "# $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1), $(nginx -v 2>&1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "# load before start: $(loadavg); busiest other processes: $(other_processes)"

# shellcheck disable=SC2119 # no extra application arguments here
start_app
start_gateway
echo "# wrk -t1 -c$CONNECTIONS soak.lua -> nginx $gateway -> application $base (pid $app_pid)"
slice=0
run_wrk "$WARMUP" > /dev/null
measure start
cpu_mark
half=$((DURATION / 2))
load_for "$half"
measure middle
echo "# busiest other processes at the middle: $(other_processes)"
load_for $((DURATION - half))
measure end
cpu_report
echo "# load after: $(loadavg)"

echo
awk '
	FNR == NR { heap[$1] = $2; next }
	{ for (i = 1; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == "requests") requests += kv[2]
		if (kv[1] == "non2xx") non2xx += kv[2]
		if (kv[1] == "socket_errors") socket += kv[2]
		if (kv[1] == "rps") { rps[++n] = kv[2] } } }
	END {
		printf "heap after full GC (MB): start %s, middle %s, end %s", heap["start"], heap["middle"], heap["end"]
		if (heap["start"] + 0 > 0 && heap["end"] + 0 > 0) printf " (end - start %+.1f MB)", heap["end"] - heap["start"]
		print ""
		printf "requests %d over %d slices, req/s per slice:", requests, n
		for (i = 1; i <= n; i++) printf " %.0f", rps[i]
		print ""
		printf "non-2xx %d (%.1f%%; the request mix sends 20%% to unknown paths: 404), socket errors %d\n",
			non2xx, requests ? 100 * non2xx / requests : 0, socket
	}' "$work/heap" "$work/slices"
