# Shared by soak.sh, forged-series.sh and ../load/run-peer.sh (sourced, not run).
# Everything listens on 127.0.0.1 only, every wait is bounded, and cleanup stops, by PID,
# each process that the script started: wrk (when in the background), the health poller,
# nginx, a stand-in (standin_pid), the application.
# shellcheck shell=bash

STACK=${STACK:-servlet}
HEAP=${HEAP:-512m}
CONNECTIONS=${CONNECTIONS:-16}
root=$(cd "${here:?set by the sourcing script}/../.." && pwd)
jar="$root/sample-app/target/inferred-proxy-sample-app-0.1.0-SNAPSHOT.jar"
work=$(mktemp -d)
app_pid=""
nginx_pid=""
standin_pid=""
poller_pid=""
wrk_pid=""
base=""
gateway=""

# $1: PID, $2: signal for a graceful stop. Waits up to 10 s, then SIGKILL.
stop_pid() {
	if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
		kill "-$2" "$1" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
		kill -0 "$1" 2>/dev/null && kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null || true
	fi
}

cleanup() {
	stop_pid "$wrk_pid" INT
	wrk_pid=""
	stop_pid "$poller_pid" TERM
	poller_pid=""
	stop_pid "$nginx_pid" QUIT
	nginx_pid=""
	stop_pid "$standin_pid" TERM
	standin_pid=""
	stop_pid "$app_pid" TERM
	app_pid=""
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_tools() {
	local tool
	for tool in wrk curl python3 jcmd java "$@"; do
		command -v "$tool" >/dev/null || { echo "$tool is missing (wrk: apt-get install wrk)" >&2; exit 1; }
	done
}

build_sample() {
	if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ]; then
		(cd "$root" && ./mvnw -B -q -ntp -pl sample-app -am package -DskipTests)
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the application ($jar, the sample unless the caller sets it) on a free loopback
# port; more application arguments in "$@" and APP_ARGS. The caller may also set jvm_args
# (JVM options after the heap and JVM_OPTS, such as -javaagent:...), app_env (NAME=value
# for the application's environment) and health_path (what answers 2xx once it is up,
# /actuator/health by default). Sets app_pid and base. Gives up after START_TIMEOUT
# seconds (90).
start_app() {
	local port
	port=$(free_port)
	local args=(--server.port="$port" --server.address=127.0.0.1
		--sample.trace-tree.enabled=false --logging.level.root=WARN
		--management.tracing.sampling.probability=1.0
		"--management.endpoints.web.exposure.include=health,metrics")
	[ "$STACK" = reactive ] && args+=(--spring.main.web-application-type=reactive)
	args+=("$@")
	# shellcheck disable=SC2206
	[ -n "${APP_ARGS:-}" ] && args+=($APP_ARGS)
	# shellcheck disable=SC2206
	local jvm=(-Xms"$HEAP" -Xmx"$HEAP" ${JVM_OPTS:-} "${jvm_args[@]}")
	env "${app_env[@]}" java "${jvm[@]}" -jar "$jar" "${args[@]}" > "$work/app.log" 2>&1 &
	app_pid=$!
	base="http://127.0.0.1:$port"
	local timeout=${START_TIMEOUT:-90}
	for _ in $(seq 1 $((timeout * 2))); do
		if curl -fs -m 2 "$base${health_path:-/actuator/health}" >/dev/null 2>&1; then return 0; fi
		kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
		sleep 0.5
	done
	echo "The application did not start within $timeout s" >&2
	exit 1
}
jvm_args=()
app_env=()

# Starts nginx with sample-app/nginx/nginx.conf (ports filled in, access log off so that
# a long run does not fill the disk) in front of the application. Sets nginx_pid and
# gateway. Gives up after 10 s.
start_gateway() {
	local port prefix="$work/nginx"
	port=$(free_port)
	command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }
	mkdir -p "$prefix/logs" "$prefix/temp"
	sed -e "s/@GATEWAY_PORT@/$port/g" -e "s/@APP_PORT@/${base##*:}/g" \
		-e 's|^\([[:space:]]*\)access_log .*|\1access_log off;|' \
		"$root/sample-app/nginx/nginx.conf" > "$prefix/nginx.conf"
	nginx -p "$prefix/" -e logs/error.log -c nginx.conf -g 'daemon off;' &
	nginx_pid=$!
	gateway="http://127.0.0.1:$port"
	for _ in $(seq 1 50); do
		if curl -fs -m 2 "$gateway/orders/1" >/dev/null 2>&1; then return 0; fi
		kill -0 "$nginx_pid" 2>/dev/null || { cat "$prefix/logs/error.log" >&2; exit 1; }
		sleep 0.2
	done
	echo "nginx did not answer within 10 s" >&2
	exit 1
}

# Heap used after a full GC, in MB: jcmd GC.run (System.gc(), a full collection with the
# default G1), then the sum of the generations' "used" in GC.heap_info (G1, Parallel and
# Serial print it as ", used <n>K"). "n/a" if the JVM does not answer within 60 s.
heap_after_gc() {
	timeout 60 jcmd "$app_pid" GC.run >/dev/null 2>&1 || { echo n/a; return; }
	timeout 60 jcmd "$app_pid" GC.heap_info 2>/dev/null \
		| awk '/^ *(Metaspace|class space)/ { next }
			{ while (match($0, /, used [0-9]+K/)) { s += substr($0, RSTART + 7, RLENGTH - 8); n++; $0 = substr($0, RSTART + RLENGTH) } }
			END { if (n) printf "%.1f\n", s / 1024; else print "n/a" }'
}

# Resident set size of the application, in MB.
rss_mb() {
	awk '/^VmRSS:/ { printf "%.0f\n", $2 / 1024 }' "/proc/$app_pid/status" 2>/dev/null || echo n/a
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# CPU time, in clock ticks, used so far by the whole machine (not idle, not iowait).
machine_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# CPU time, in clock ticks, used so far by the given PIDs (utime + stime).
pid_ticks() {
	local pid total=0 fields
	for pid in "$@"; do
		fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		# After the command name: field 3 is the state, utime and stime are fields 14 and 15.
		total=$((total + $(echo "$fields" | awk '{ print $12 + $13 }')))
	done
	echo "$total"
}

# The PIDs of the long-running helpers that the script started: nginx (master and
# workers) and a stand-in.
helper_pids() {
	if [ -n "$nginx_pid" ]; then
		echo "$nginx_pid"
		pgrep -P "$nginx_pid" || true
	fi
	if [ -n "$standin_pid" ]; then echo "$standin_pid"; fi
}

# The helpers' CPU time, in clock ticks.
helper_ticks() {
	# shellcheck disable=SC2046 # one PID a word
	pid_ticks $(helper_pids)
}

# CPU seconds used by this script's finished child processes (wrk, curl, jcmd, ...), from
# bash's "times"; the application and nginx are not counted until they end. "times" must
# run in the script's own shell (a subshell or pipeline has children of its own), so the
# callers write it to $work/times first.
children_seconds() {
	awk 'NR == 2 { n = split($0, t, " "); s = 0
		for (i = 1; i <= n; i++) { split(t[i], p, "m"); s += p[1] * 60 + p[2] } print s }' "$work/times"
}

# Marks the start of a CPU accounting window. Must run in the script's own shell (not in
# $(...)), like cpu_report.
cpu_mark() {
	cpu_t0=$(date +%s.%N)
	cpu_machine0=$(machine_ticks)
	cpu_app0=$(pid_ticks "$app_pid")
	cpu_helpers0=$(helper_ticks)
	times > "$work/times"
	cpu_children0=$(children_seconds)
}

# One line: the machine's busy CPU since cpu_mark, split into the application, the
# helpers (nginx, a stand-in), this script's children (mostly wrk) and every other
# process. Also sets cpu_app_seconds, the application's CPU time in the window.
cpu_report() {
	local hz app1
	hz=$(getconf CLK_TCK)
	app1=$(pid_ticks "$app_pid")
	times > "$work/times"
	cpu_app_seconds=$(awk -v a0="$cpu_app0" -v a1="$app1" -v hz="$hz" 'BEGIN { printf "%.2f\n", (a1 - a0) / hz }')
	awk -v t0="$cpu_t0" -v t1="$(date +%s.%N)" -v m0="$cpu_machine0" -v m1="$(machine_ticks)" \
		-v app="$cpu_app_seconds" -v h0="$cpu_helpers0" -v h1="$(helper_ticks)" \
		-v c0="$cpu_children0" -v c1="$(children_seconds)" -v hz="$hz" -v cores="$(nproc)" 'BEGIN {
			wall = t1 - t0; machine = (m1 - m0) / hz; helpers = (h1 - h0) / hz; kids = c1 - c0
			other = machine - app - helpers - kids; if (other < 0) other = 0
			printf "cpu window=%.1fs cores=%d busy=%.1fs (%.2f cores) app=%.1fs (%.2f) helpers=%.1fs (%.2f) wrk+tools=%.1fs (%.2f) other-processes=%.1fs (%.2f cores)\n",
				wall, cores, machine, machine / wall, app, app / wall, helpers, helpers / wall, kids, kids / wall, other, other / wall }'
}

# The busiest processes that this script did not start, over one second (top's second
# sample): "command %CPU" for the first five. Processes in other PID namespaces (other
# containers) are not listed; their CPU still shows in cpu_report's other-processes.
other_processes() {
	top -b -n 2 -d 1 -w 200 2>/dev/null | awk -v own=" $app_pid $(helper_pids | tr '\n' ' ') " '
		/^ *PID / { frame++; next }
		frame == 2 && index(own, " " $1 " ") == 0 && $9 + 0 > 0 { printf "%s%s %s%%", sep, $12, $9; sep = ", "; if (++k == 5) exit }
		END { if (!k) printf "(none busy)"; print "" }'
}

# Meter series of one name, from the metrics endpoint (meters.py); a failure is
# printed, not fatal.
meters() {
	python3 "$root/benchmarks/reliability/meters.py" "$base" "$@" 2>&1 | tail -1 || true
}
