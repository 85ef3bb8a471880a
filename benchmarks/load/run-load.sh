#!/usr/bin/env bash
# Load test of the sample application on loopback, with the starter on and off, with
# and without gateway headers, tracing on and sampling every trace in both. Prints the
# throughput ratio (starter on / off) and latency percentiles.
#
#   benchmarks/load/run-load.sh                 # Spring MVC (Tomcat)
#   STACK=reactive benchmarks/load/run-load.sh  # Spring WebFlux (Reactor Netty)
#
# Environment: ROUNDS (3), DURATION seconds per wrk run (15), WARMUP seconds (10),
# CONNECTIONS (16), HEADERS (the request kinds, "gateway plain"), APP_ARGS (more
# arguments for both applications, for example
# --inferred-proxy.attribute-vocabulary=opentelemetry), ON_ARGS and OFF_ARGS (what "on"
# and "off" add; by default nothing and --inferred-proxy.enabled=false: set them to
# compare something else in the same run, such as one observation switched off),
# SKIP_BUILD=1 to reuse the sample jar. Bounded: every wrk run has a
# fixed duration and the application must be up within 90 s. It starts one
# application at a time and stops each by its PID, also on failure or Ctrl-C.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-16}
STACK=${STACK:-servlet}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/sample-app/target/inferred-proxy-sample-app-0.1.0-SNAPSHOT.jar"
work=$(mktemp -d)
app_pid=""

stop_app() {
	if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
		kill "$app_pid"
		for _ in $(seq 1 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.2; done
		kill -0 "$app_pid" 2>/dev/null && kill -9 "$app_pid"
		wait "$app_pid" 2>/dev/null || true
	fi
	app_pid=""
}
trap 'stop_app; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
	(cd "$root" && ./mvnw -B -q -ntp -pl sample-app -am package -DskipTests)
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# $1: on|off
start_app() {
	local port
	port=$(free_port)
	local args=(--server.port="$port" --server.address=127.0.0.1
		--sample.trace-tree.enabled=false --logging.level.root=WARN
		--management.tracing.sampling.probability=1.0)
	[ "$STACK" = reactive ] && args+=(--spring.main.web-application-type=reactive)
	# shellcheck disable=SC2206
	[ "$1" = on ] && args+=(${ON_ARGS:-})
	# shellcheck disable=SC2206
	[ "$1" = off ] && args+=(${OFF_ARGS---inferred-proxy.enabled=false})
	# shellcheck disable=SC2206
	[ -n "${APP_ARGS:-}" ] && args+=($APP_ARGS)
	java -Xms512m -Xmx512m -jar "$jar" "${args[@]}" > "$work/app-$1.log" 2>&1 &
	app_pid=$!
	base="http://127.0.0.1:$port"
	for _ in $(seq 1 180); do
		if curl -fs "$base/actuator/health" >/dev/null 2>&1; then return 0; fi
		kill -0 "$app_pid" 2>/dev/null || { cat "$work/app-$1.log" >&2; exit 1; }
		sleep 0.5
	done
	echo "The application did not start within 90 s" >&2
	exit 1
}

# $1: script, $2: seconds
run_wrk() {
	(cd "$here" && wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 5s --latency -s "$1" "$base") | grep '^RESULT'
}

echo "# $(date -u +%FT%TZ) stack=$STACK rounds=$ROUNDS duration=${DURATION}s connections=$CONNECTIONS ${APP_ARGS:-}"
echo "# on: ${ON_ARGS:-(nothing)}; off: ${OFF_ARGS---inferred-proxy.enabled=false}"
echo "# $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1)"
HEADERS=${HEADERS:-gateway plain}
for round in $(seq 1 "$ROUNDS"); do
	# Alternate which application goes first, so that a drift in the machine's load
	# does not always favour the same one.
	order="on off"
	[ $((round % 2)) = 0 ] && order="off on"
	for starter in $order; do
		start_app "$starter"
		for headers in $HEADERS; do
			run_wrk "$headers.lua" "$WARMUP" >/dev/null
		done
		for headers in $HEADERS; do
			echo "$round $starter $headers $(run_wrk "$headers.lua" "$DURATION") load=$(cut -d' ' -f1 /proc/loadavg)" \
				| tee -a "$work/results"
		done
		# The gateway requests must have had gateway spans, and none been rejected.
		spans=$(curl -fs "$base/actuator/metrics/inferred.proxy.requests" | sed -n 's/.*"statistic":"COUNT","value":\([0-9.E]*\).*/\1/p' || true)
		rejected=$(curl -fs "$base/actuator/metrics/inferred.proxy.rejected" | sed -n 's/.*"statistic":"COUNT","value":\([0-9.E]*\).*/\1/p' || true)
		echo "#   $starter: inferred.proxy.requests count=${spans:-none}, inferred.proxy.rejected count=${rejected:-none}"
		stop_app
	done
done

awk '
	{ split($5, a, "="); rps[$2" "$3] += a[2]; n[$2" "$3]++
	  for (i = 6; i <= 8; i++) { split($i, b, "="); p[$2" "$3" "b[1]] = p[$2" "$3" "b[1]] " " b[2] }
	  split($10, e, "="); err[$2" "$3] += e[2] }
	function median(list,   v, c, i, j, t) {
		c = split(list, v, " ")
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (c % 2) ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
	}
	END {
		print ""
		print "| requests | starter | req/s (mean) | on/off | p50 µs | p90 µs | p99 µs | errors |"
		print "|---|---|---:|---:|---:|---:|---:|---:|"
		nh = split("gateway plain", hs, " ")
		for (h = 1; h <= nh; h++) for (s = 1; s <= 2; s++) {
			if (!n["on " hs[h]]) continue
			st = (s == 1) ? "on" : "off"; k = st " " hs[h]
			ratio = (s == 1) ? sprintf("%.3f", rps["on " hs[h]] / rps["off " hs[h]]) : ""
			printf "| %s | %s | %.0f | %s | %s | %s | %s | %d |\n", (hs[h] == "gateway") ? "with gateway headers" : "without", st,
				rps[k] / n[k], ratio, median(p[k " p50"]), median(p[k " p90"]), median(p[k " p99"]), err[k]
		}
	}' "$work/results"
