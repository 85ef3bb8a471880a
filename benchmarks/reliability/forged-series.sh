#!/usr/bin/env bash
# Forged meter series: sends gateway requests straight to the sample application (no
# gateway in front, so nothing replaces the client's x-dd-proxy-* headers) with a new
# forged route (x-dd-proxy-resource-path), stage and method header on every request
# (forged.lua), then records how many inferred.proxy.requests and inferred.proxy.transit
# meters the application holds, its heap after a full GC at the start and the end,
# requests/s and errors, and whether /actuator/health answered 200 during and after.
#
#   benchmarks/reliability/forged-series.sh                   # Spring MVC, 100,000 requests
#   STACK=reactive benchmarks/reliability/forged-series.sh    # Spring WebFlux
#   REQUESTS=5000 benchmarks/reliability/forged-series.sh     # a quick try
#   VALUE_LENGTH=1000 benchmarks/reliability/forged-series.sh # 1,000-character routes and stages
#
# Environment: REQUESTS (100000: wrk stops after this many responses), DURATION (60: wrk
# stops after this many seconds if REQUESTS have not been sent by then), VALUE_LENGTH
# (0: forged values are about 25 characters; else padded to this length), WARMUP seconds
# of ordinary gateway requests (one series) before the start measurement (10),
# CONNECTIONS (16), HEAP (512m), APP_ARGS (e.g. --inferred-proxy.max-tag-sets=1000000
# to lift the starter's bound on the timers' series), SKIP_BUILD=1.
#
# Loopback only (127.0.0.1). Bounded: wrk stops after REQUESTS responses or DURATION
# seconds (and is interrupted 10 s later at the latest), the health poller after
# DURATION + 120 seconds at most, each jcmd call has 60-120 s, each metrics query
# METRICS_TIMEOUT (60 s). Starts one application and stops it, wrk and the poller, by
# PID on exit, failure or Ctrl-C.
set -euo pipefail

REQUESTS=${REQUESTS:-100000}
DURATION=${DURATION:-60}
VALUE_LENGTH=${VALUE_LENGTH:-0}
WARMUP=${WARMUP:-10}
HEALTH_EVERY=2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

# shellcheck disable=SC2119 # no extra tools here
require_tools
build_sample

# wrk finds report.lua (and gateway.lua's require) through LUA_PATH.
export LUA_PATH="$root/benchmarks/load/?.lua;;"

# Live instances of Micrometer's cumulative timer (every timer of the sample's
# SimpleMeterRegistry, all names) and of Meter.Id, after the full GC that the histogram
# makes: a count that does not rely on the metrics endpoint.
timers_in_heap() {
	timeout 120 jcmd "$app_pid" GC.class_histogram 2>/dev/null | awk '
		$4 == "io.micrometer.core.instrument.cumulative.CumulativeTimer" { t = $2 }
		$4 == "io.micrometer.core.instrument.Meter$Id" { id = $2 }
		END { printf "CumulativeTimer=%s Meter$Id=%s\n", t ? t : "n/a", id ? id : "n/a" }'
}

started=$(date +%s)
# $1: the point's name.
measure() {
	local heap
	heap=$(heap_after_gc)
	echo "$1 $heap" >> "$work/heap"
	echo "point=$1 t=$(($(date +%s) - started))s heap_after_full_gc_mb=$heap rss_mb=$(rss_mb) load=$(loadavg)"
	meters inferred.proxy.requests > "$work/requests-$1"
	echo "  $(cat "$work/requests-$1")"
	echo "  $(meters inferred.proxy.transit)"
	echo "  $(meters inferred.proxy.rejected)"
	timers_in_heap > "$work/timers-$1"
	echo "  objects in the heap: $(cat "$work/timers-$1")"
}

# Polls /actuator/health every HEALTH_EVERY seconds until $work/stop-poller exists, at
# most DURATION + 120 seconds. One line per probe: seconds since start, HTTP code
# (000: no answer within 5 s), time.
poll_health() {
	local i
	for i in $(seq 1 $(((DURATION + 120) / HEALTH_EVERY))); do
		[ -e "$work/stop-poller" ] && break
		echo "$i $(curl -s -o /dev/null -m 5 -w '%{http_code} %{time_total}' "$base/actuator/health" || true)" >> "$work/health"
		sleep "$HEALTH_EVERY"
	done
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
echo "# forged-series $(date -u +%FT%TZ) commit=$commit stack=$STACK requests=$REQUESTS duration<=${DURATION}s value_length=$VALUE_LENGTH connections=$CONNECTIONS heap=$HEAP ${APP_ARGS:-}"
echo "# $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "# load before start: $(loadavg); busiest other processes: $(other_processes)"

# shellcheck disable=SC2119 # no extra application arguments here
start_app
echo "# wrk -t1 -c$CONNECTIONS forged.lua -> application $base (pid $app_pid)"
(cd "$root/benchmarks/load" && wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 5s -s gateway.lua "$base") > /dev/null
measure start

poll_health &
poller_pid=$!
cpu_mark
# wrk in the background, so that it can be interrupted (SIGINT: it stops and reports)
# as soon as forged.lua has had REQUESTS responses; at most DURATION + 10 s.
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s "$here/forged.lua" "$base" \
	-- "$REQUESTS" "$VALUE_LENGTH" "$work/wrk-done" "$(date +%s)" > "$work/wrk.out" 2>&1 &
wrk_pid=$!
for _ in $(seq 1 $((DURATION * 5 + 50))); do
	kill -0 "$wrk_pid" 2>/dev/null || break
	[ -e "$work/wrk-done" ] && { kill -INT "$wrk_pid"; break; }
	sleep 0.2
done
wait "$wrk_pid" || true
wrk_pid=""
result=$(grep '^RESULT' "$work/wrk.out" || echo "RESULT wrk failed: $(tail -3 "$work/wrk.out")")
cpu_report
touch "$work/stop-poller"
stop_pid "$poller_pid" TERM
poller_pid=""
echo "forged load: $result load=$(loadavg)"

# After the load: three probes, one second apart.
after=""
for _ in 1 2 3; do
	after="$after $(curl -s -o /dev/null -m 5 -w '%{http_code}' "$base/actuator/health" || true)"
	sleep 1
done
measure end
echo "# load after: $(loadavg)"

echo
awk '{ n++; if ($2 == 200) ok++; t[n] = $3 + 0; if ($3 + 0 > max) max = $3 + 0 }
	END {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (t[j] < t[i]) { x = t[i]; t[i] = t[j]; t[j] = x }
		printf "health during the forged load: %d probes, %d answered 200, median %.3f s, max %.3f s\n",
			n, ok, n ? t[int((n + 1) / 2)] : 0, max }' "$work/health" 2>/dev/null \
	|| echo "health during the forged load: no probe"
echo "health after the forged load (3 probes):$after"
# The timers' COUNT before and after: how many of the forged requests were recorded.
sent=$(echo "$result" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
awk -v sent="${sent:-0}" '{ for (i = 1; i <= NF; i++) { split($i, kv, /[=>]+/)
		if (kv[1] == "count") count[FILENAME] = kv[2]; if (kv[1] == "series") series[FILENAME] = $i } }
	END { s = ARGV[1]; e = ARGV[2]
		if (!(e in count)) { printf "inferred.proxy.requests: %s at the start, not answered at the end\n", series[s]; exit }
		printf "inferred.proxy.requests: %s -> %s; samples recorded during the forged load: %d of %d requests sent\n",
			series[s], series[e], count[e] - count[s], sent }' "$work/requests-start" "$work/requests-end"
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^CumulativeTimer=[0-9]+$/) { split($i, kv, "="); t[FILENAME] = kv[2] } }
	END { s = ARGV[1]; e = ARGV[2]
		if ((s in t) && (e in t)) printf "timers in the heap: %d -> %d (+%d, two gateway timers per new series: about %d series)\n",
			t[s], t[e], t[e] - t[s], (t[e] - t[s]) / 2 }' "$work/timers-start" "$work/timers-end"
echo "health after the metrics queries: $(curl -s -o /dev/null -m 5 -w '%{http_code} in %{time_total} s' "$base/actuator/health" || true)"
awk '{ heap[$1] = $2 } END {
	printf "heap after full GC (MB): start %s, end %s", heap["start"], heap["end"]
	if (heap["start"] + 0 > 0 && heap["end"] + 0 > 0) printf " (end - start %+.1f MB)", heap["end"] - heap["start"]
	print "" }' "$work/heap"
echo "application log: $(grep -c 'OutOfMemoryError' "$work/app.log" || true) OutOfMemoryError lines, $(grep -c ' WARN \| ERROR ' "$work/app.log" || true) WARN/ERROR lines"
grep ' WARN \| ERROR ' "$work/app.log" | head -3 | cut -c1-300 | sed 's/^/  /' || true
