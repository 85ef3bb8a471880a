#!/usr/bin/env bash
# Side by side with dd-java-agent: the same application under wrk, with
# the same gateway headers, in five modes, each a fresh JVM:
#
#   none      no tracing: Micrometer Tracing's auto-configuration excluded, no agent
#   dd-off    dd-java-agent, DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=false (and no
#             Micrometer Tracing, so that only the agent traces)
#   dd-on     dd-java-agent, DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=true
#   otel-off  Micrometer Tracing + OpenTelemetry, OTLP export, the starter off
#   otel-on   the same, the starter on
#   otel-on-opentelemetry, otel-on-datadog (not run unless named in MODES)
#             the starter on with inferred-proxy.attribute-vocabulary=opentelemetry or
#             datadog instead of both: what the gateway span's attributes cost at export
#   otel-floor, otel-floor-bare (minimal application only, not run unless named)
#             the starter off and one more span per gateway request made straight on the
#             OpenTelemetry SDK, with the gateway span's 25 attributes or none
#             (minimal-app's FloorSpanConfiguration): the least any gateway span costs
#             this pipeline
#
# for two applications (the sample's GET /orders/1 and benchmarks/minimal-app's GET /) on
# both stacks (Tomcat, Reactor Netty). The agent sends to a stand-in Datadog Agent and
# the OTLP exporter to a stand-in collector, one Python process on loopback
# (standin.py) that accepts, discards and counts (spans, and spans named aws.apigateway).
# Sampling 100% in both, the same JVM options, logging at WARN. The mode order rotates
# from round to round.
#
#   benchmarks/load/run-peer.sh                                  # everything, 3 rounds
#   ROUNDS=1 DURATION=3 WARMUP=2 benchmarks/load/run-peer.sh     # a smoke run
#   APPS=minimal STACKS=reactive MODES="dd-off dd-on" benchmarks/load/run-peer.sh
#
# Per measured window it records wrk's requests/s and latency, the application's CPU
# time (utime + stime from /proc) per request, the load average and the CPU of every
# other process on the machine (lib.sh's cpu_report), and what each tracer exported.
# RESULTS_DIR gets run.txt (all that is printed), windows.txt (one line per window),
# summary.md (the tables, peer_summary.py) and logs/ (each application's log).
#
# RATE=<requests/s> paces wrk's connections (gateway.lua's LOAD_RATE) in the measured
# window, so that every mode gets the same offered load below saturation, where the
# exporters keep up and CPU per request is the tracers' work rather than what a saturated
# machine's queues and drops make of it. The warm-up still runs at full speed (the JIT
# must be done before the window; see wait_for_jit), then SETTLE seconds (3) let the
# exporters catch up.
# Without RATE, wrk sends as fast as the application answers throughout.
#
# Environment: ROUNDS (3), DURATION seconds per measured wrk run (15), WARMUP seconds
# of wrk before it (10), CONNECTIONS (16), APPS ("sample minimal"), STACKS ("servlet
# reactive"), MODES (the five above), HEAP (512m), JVM_OPTS (-XX:+UseG1GC), APP_ARGS,
# DD_AGENT_VERSION (1.68.1, from Maven Central), RESULTS_DIR
# (benchmarks/results/peer/<UTC time>), SKIP_BUILD=1 to reuse the jars, START_TIMEOUT
# seconds (120).
#
# Loopback only (127.0.0.1). Bounded: every wrk run has a fixed duration, each
# application must be up within START_TIMEOUT, jcmd gets 60 s. One application at a time,
# stopped by its PID, like the stand-in, on exit, failure or Ctrl-C.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
APPS=${APPS:-sample minimal}
STACKS=${STACKS:-servlet reactive}
MODES=${MODES:-none dd-off dd-on otel-off otel-on}
DD_AGENT_VERSION=${DD_AGENT_VERSION:-1.68.1}
RATE=${RATE:-}
SETTLE=${SETTLE:-3}
export JVM_OPTS=${JVM_OPTS:--XX:+UseG1GC}
export START_TIMEOUT=${START_TIMEOUT:-120}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../reliability/lib.sh
. "$here/../reliability/lib.sh"
export LOAD_RATE=$RATE LOAD_CONNECTIONS=$CONNECTIONS
sample_jar=$jar
minimal_jar="$root/benchmarks/minimal-app/target/inferred-proxy-benchmarks-minimal-app-0.1.0-SNAPSHOT.jar"
agent="$root/benchmarks/target/peer/dd-java-agent-$DD_AGENT_VERSION.jar"
out=${RESULTS_DIR:-$root/benchmarks/results/peer/$(date -u +%Y%m%dT%H%M%SZ)}
summary="python3 $here/peer_summary.py"

# What switches Micrometer Tracing off in Spring Boot 4 (management.tracing.enabled is
# gone; management.tracing.export.enabled=false still creates every span): no
# OpenTelemetry tracer, no tracing observation handlers, no no-op tracer standing in.
no_tracing=org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration
no_tracing+=,org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration
no_tracing+=,org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration

require_tools jcmd
for mode in $MODES; do
	case $mode in
		none | dd-off | dd-on | otel-off | otel-on | otel-on-opentelemetry | otel-on-datadog) ;;
		otel-floor | otel-floor-bare)
			[ "$APPS" = minimal ] || { echo "mode $mode needs APPS=minimal (only minimal-app has the floor span)" >&2; exit 2; } ;;
		*) echo "unknown mode $mode" >&2; exit 2 ;;
	esac
done
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$sample_jar" ] || [ ! -f "$minimal_jar" ]; then
	(cd "$root" && ./mvnw -B -q -ntp -pl sample-app,benchmarks/minimal-app -am package -DskipTests)
fi
if [ ! -f "$agent" ]; then
	(cd "$root" && ./mvnw -B -q -ntp -N dependency:copy -Dartifact="com.datadoghq:dd-java-agent:$DD_AGENT_VERSION" \
		-DoutputDirectory="$(dirname "$agent")")
fi
mkdir -p "$out/logs"
# Everything printed also goes to run.txt (tee is a helper too, writing a line a window).
exec > >(tee "$out/run.txt") 2>&1

# The stand-in Datadog Agent and OTLP collector, for the whole run.
python3 "$here/standin.py" "$work/standin-port" > "$out/logs/standin.log" 2>&1 &
standin_pid=$!
for _ in $(seq 1 50); do [ -s "$work/standin-port" ] && break; sleep 0.2; done
[ -s "$work/standin-port" ] || { echo "the stand-in did not start" >&2; exit 1; }
intake="http://127.0.0.1:$(cat "$work/standin-port")"

# $1: app, $2: mode. Sets jar, health_path, jvm_args, app_env, mode_args and the wrk
# script's LOAD_PATH / LOAD_RESOURCE_PATH.
configure() {
	local service
	case $1 in
		sample) jar=$sample_jar health_path=/actuator/health service=orders
			export LOAD_PATH=/orders/1 LOAD_RESOURCE_PATH='/orders/{id}' ;;
		minimal) jar=$minimal_jar health_path=/ service=minimal
			export LOAD_PATH=/ LOAD_RESOURCE_PATH=/ ;;
		*) echo "unknown application $1" >&2; exit 2 ;;
	esac
	# Every mode exports OTLP to the stand-in, so that a mode that traces with
	# OpenTelemetry when it should not shows in the counts.
	mode_args=("--management.opentelemetry.tracing.export.otlp.endpoint=$intake/v1/traces"
		--management.otlp.metrics.export.enabled=false)
	jvm_args=()
	app_env=()
	case $2 in
		none | dd-*) mode_args+=(--inferred-proxy.enabled=false "--spring.autoconfigure.exclude=$no_tracing") ;;
		otel-off) mode_args+=(--inferred-proxy.enabled=false) ;;
		otel-on) mode_args+=(--inferred-proxy.enabled=true) ;;
		otel-on-*) mode_args+=(--inferred-proxy.enabled=true "--inferred-proxy.attribute-vocabulary=${2#otel-on-}") ;;
		otel-floor) mode_args+=(--inferred-proxy.enabled=false --minimal.floor-span=attributes) ;;
		otel-floor-bare) mode_args+=(--inferred-proxy.enabled=false --minimal.floor-span=bare) ;;
	esac
	if [ "${2%-*}" = dd ]; then
		jvm_args=("-javaagent:$agent")
		app_env=("DD_TRACE_AGENT_URL=$intake" "DD_SERVICE=$service"
			"DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=$([ "$2" = dd-on ] && echo true || echo false)"
			DD_TRACE_SAMPLE_RATE=1.0 'DD_TRACE_SAMPLING_RULES=[{"sample_rate":1.0}]'
			DD_PROFILING_ENABLED=false DD_APPSEC_ENABLED=false DD_IAST_ENABLED=false
			DD_DATA_STREAMS_ENABLED=false DD_TRACE_STARTUP_LOGS=false
			DD_INSTRUMENTATION_TELEMETRY_ENABLED=false DD_REMOTE_CONFIGURATION_ENABLED=false
			DD_JMXFETCH_ENABLED=false)
	fi
}

# $1: seconds, $2: output file. wrk in the background (wrk_pid, stopped by cleanup).
start_wrk() {
	(cd "$here" && exec wrk -t1 -c"$CONNECTIONS" -d"$1s" --timeout 5s --latency -s gateway.lua "$base") > "$2" 2>&1 &
	wrk_pid=$!
}

# Which tracers the application has: the live Micrometer OpenTelemetry bridge tracer and
# Datadog tracer (class histogram), and whether an OpenTelemetry SDK span or a Datadog
# span was ever created (its class loaded). After the window: the histogram's full GC
# would disturb it.
tracers() {
	local histogram hierarchy
	histogram=$(timeout 60 jcmd "$app_pid" GC.class_histogram 2>/dev/null || true)
	hierarchy=$(timeout 60 jcmd "$app_pid" VM.class_hierarchy 2>/dev/null || true)
	printf 'otel_tracer=%s dd_tracer=%s sdk_span_class=%s dd_span_class=%s\n' \
		"$(grep -c ' io\.micrometer\.tracing\.otel\.bridge\.OtelTracer$' <<< "$histogram" || true)" \
		"$(grep -c ' datadog\.trace\.agent\.core\.CoreTracer$' <<< "$histogram" || true)" \
		"$(grep -q 'io\.opentelemetry\.sdk\.trace\.SdkSpan/' <<< "$hierarchy" && echo loaded || echo no)" \
		"$(grep -q 'datadog\.trace\.agent\.core\.DDSpan/' <<< "$hierarchy" && echo loaded || echo no)"
}

# Every thread of the application, one line each: "<tid> <name> <utime+stime ticks>" (the
# kernel's name, cut to 15 characters, blanks as _), for peer_summary.py's thread-groups,
# which splits the window's CPU between the request threads, the exporter's, the JIT and
# GC, and the rest. One awk over the stat files, so that taking it costs next to nothing.
thread_ticks() {
	awk '{
		line = $0; lp = index(line, "("); rp = 0
		for (i = length(line); i > 0; i--) if (substr(line, i, 1) == ")") { rp = i; break }
		name = substr(line, lp + 1, rp - lp - 1); gsub(/[ \t]/, "_", name)
		split(substr(line, rp + 2), field, " ")
		# After the name: state is field 3 of stat, so utime (14) and stime (15) are 12, 13.
		print $1, name, field[12] + field[13]
	}' /proc/"$app_pid"/task/*/stat 2>/dev/null || true
}

# The CPU ticks of the application's JIT compiler threads (C1, C2) so far.
jit_ticks() {
	thread_ticks | awk '$2 ~ /CompilerThre/ { sum += $3 } END { print sum + 0 }'
}

# On two saturated cores the JIT compilers fall behind during the warm-up and catch up
# as soon as the load drops: wait, at most JIT_WAIT seconds (30), until they used at most
# 20 ms of CPU in a second, so that the window measures compiled code. Prints the seconds.
wait_for_jit() {
	local last now waited=0
	last=$(jit_ticks)
	while [ "$waited" -lt "${JIT_WAIT:-30}" ]; do
		sleep 1
		waited=$((waited + 1))
		now=$(jit_ticks)
		[ $((now - last)) -le $(($(getconf CLK_TCK) / 50)) ] && break
		last=$now
	done
	echo "$waited"
}

# $1: round, $2: app, $3: stack, $4: mode. One fresh application, warm-up, one measured
# window, the checks; appends one line to $out/windows.txt.
run_mode() {
	local round=$1 app=$2 mode=$4 warm result cpu tracer exported meter="" label log warnings jit_wait
	STACK=$3
	label="round=$round app=$app stack=$STACK mode=$mode"
	configure "$app" "$mode"
	curl -fsS -m 10 "$intake/counts" > "$work/before.json"
	start_app "${mode_args[@]}"
	# The warm-up runs at full speed, paced or not, so that the JIT is done before the
	# window; a paced window then waits for the exporters to send what the warm-up left.
	LOAD_RATE="" start_wrk "$WARMUP" "$work/warmup.txt"
	wait "$wrk_pid" || true
	wrk_pid=""
	jit_wait=$(wait_for_jit)
	[ -n "$RATE" ] && sleep "$SETTLE"
	warm=$(grep '^RESULT' "$work/warmup.txt" | sed 's/.*requests=\([0-9]*\).*/\1/' || echo 0)
	curl -fsS -m 10 -X POST "$intake/mark" > /dev/null
	curl -fsS -m 10 "$intake/counts" > "$work/mark.json"
	cpu_mark
	thread_ticks > "$work/threads0.txt"
	start_wrk "$DURATION" "$work/wrk.txt"
	sleep "$((DURATION / 2))"
	other_processes > "$work/others.txt"
	wait "$wrk_pid" || true
	wrk_pid=""
	cpu_report > "$work/cpu.txt"
	thread_ticks > "$work/threads1.txt"
	result=$(grep '^RESULT' "$work/wrk.txt" || true)
	[ -n "$result" ] || { echo "wrk failed ($label):" >&2; cat "$work/wrk.txt" >&2; exit 1; }
	cpu=$(cat "$work/cpu.txt")
	# The starter's own count of gateway spans (the sample has the metrics endpoint).
	if [ "$app" = sample ]; then
		meter=$(meters inferred.proxy.requests | sed -n 's/.*count=\([0-9.E]*\).*/\1/p')
	fi
	tracer=$(tracers)
	stop_pid "$app_pid" TERM # a graceful stop: both tracers flush what they hold
	app_pid=""
	log="$out/logs/$round-$app-$STACK-$mode.log"
	cp "$work/app.log" "$log"
	curl -fsS -m 10 "$intake/counts" > "$work/after.json"
	# Over the application's life, and since the window began (the gateway spans of the
	# window's requests, so that drops during a full-speed warm-up do not count).
	exported="$($summary delta "$work/before.json" "$work/after.json") $($summary delta "$work/mark.json" "$work/after.json" win_)"
	echo "$label ${result#RESULT } warmup_requests=${warm:-0} jit_wait_s=$jit_wait app_cpu_s=$cpu_app_seconds $($summary thread-groups "$work/threads0.txt" "$work/threads1.txt" "$(getconf CLK_TCK)") $($summary window-cpu "$cpu") load=$(loadavg | tr ' ' '/') $exported inferred_proxy_requests=${meter:-none} $tracer" \
		| tee -a "$out/windows.txt"
	echo "#   $cpu"
	echo "#   busiest other processes mid-window: $(cat "$work/others.txt")"
	echo "#   exported in the window's first payload: $($summary shapes "$work/after.json")"
	warnings=$(grep -c -E '[] ](WARN|ERROR) ' "$log" || true)
	if [ "${warnings:-0}" != 0 ]; then
		echo "#   $warnings WARN/ERROR line(s) in logs/${log##*/}, the first: $(grep -m1 -E '[] ](WARN|ERROR) ' "$log" | cut -c1-300)"
	fi
}

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
{
	echo "# run-peer $(date -u +%FT%TZ) commit=$commit rounds=$ROUNDS duration=${DURATION}s warmup=${WARMUP}s connections=$CONNECTIONS rate=${RATE:-unpaced}"
	echo "# apps: $APPS; stacks: $STACKS; modes: $MODES"
	echo "# JVM: -Xms$HEAP -Xmx$HEAP $JVM_OPTS (every mode); dd-java-agent $DD_AGENT_VERSION; ${APP_ARGS:-}"
	echo "# $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(java -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
	echo "# load before start: $(loadavg); busiest other processes: $(other_processes)"
} | tee "$out/run-header.txt"
read -ra modes <<< "$MODES"
for round in $(seq 1 "$ROUNDS"); do
	# Rotate the mode order: round r starts with the r-th mode.
	shift_by=$(((round - 1) % ${#modes[@]}))
	order=("${modes[@]:shift_by}" "${modes[@]:0:shift_by}")
	for app in $APPS; do
		for stack in $STACKS; do
			echo "# round $round, $app on $stack: ${order[*]}"
			for mode in "${order[@]}"; do
				run_mode "$round" "$app" "$stack" "$mode"
			done
		done
	done
done
echo "# load after: $(loadavg)"
echo
$summary table "$out/windows.txt" | tee "$out/summary.md"
echo
echo "# raw: $out"
