"""Helpers of run-peer.sh, and its summary.

    python3 peer_summary.py delta BEFORE.json AFTER.json   # what the stand-in received in between
    python3 peer_summary.py shapes AFTER.json              # the decoded payloads' trace shapes
    python3 peer_summary.py window-cpu "cpu window=... "   # lib.sh's cpu_report line as key=value
    python3 peer_summary.py table windows.txt              # the Markdown tables

windows.txt has one line per measured window, space-separated key=value pairs (see
run-peer.sh). The tables: per mode, the mean over rounds of requests/s and of the
application's CPU time per request, the median of wrk's p50 and p99, what the tracers
exported and the machine's load; per implementation, the cost of its gateway span (CPU
per request on - off, and the throughput ratio on/off, from the same rounds); and the
check of what each mode traced.
"""

import json
import re
import statistics
import sys

COUNTS = ["dd_requests", "dd_traces", "dd_spans", "dd_gateway_spans",
          "otlp_requests", "otlp_spans", "otlp_gateway_spans"]
MODES = ["none", "dd-off", "dd-on", "otel-off", "otel-on", "otel-on-opentelemetry", "otel-on-datadog",
         "otel-floor", "otel-floor-bare"]
IMPLEMENTATIONS = [("dd-java-agent", "dd-off", "dd-on"), ("starter (Micrometer + OTel)", "otel-off", "otel-on"),
                   ("starter, OpenTelemetry keys only", "otel-off", "otel-on-opentelemetry"),
                   ("starter, Datadog keys only", "otel-off", "otel-on-datadog"),
                   ("floor: one SDK span, the same 25 attributes", "otel-off", "otel-floor"),
                   ("floor: one bare SDK span", "otel-off", "otel-floor-bare")]
# The modes that should export one span named aws.apigateway per gateway request over OTLP.
OTLP_GATEWAY_MODES = ("otel-on", "otel-floor")


def delta(before_path, after_path, prefix=""):
    """What the stand-ins counted between two /counts answers; with a prefix, the counts
    only (the window's), without the other paths."""
    with open(before_path) as f:
        before = json.load(f)
    with open(after_path) as f:
        after = json.load(f)
    fields = [f"{prefix}{key}={after['counts'].get(key, 0) - before['counts'].get(key, 0)}" for key in COUNTS]
    if prefix:
        print(" ".join(fields))
        return
    others = {path: n - before["other_paths"].get(path, 0) for path, n in after["other_paths"].items()}
    others = [f"{path.replace(' ', '_')}:{n}" for path, n in sorted(others.items()) if n]
    fields.append("other_paths=" + (",".join(others) if others else "none"))
    print(" ".join(fields))


def shapes(after_path):
    with open(after_path) as f:
        summaries = json.load(f)["summaries"]
    parts = []
    for kind in ("dd", "otlp"):
        summary = summaries.get(kind)
        if summary is None:
            parts.append(f"{kind}: nothing")
            continue
        if "undecodable" in summary:
            parts.append(f"{kind}: UNDECODABLE {summary['undecodable']}")
            continue
        decoded = summary.get("decoded_spans", summary.get("walked_spans"))
        check = "" if decoded == summary["counted_spans"] else " MISMATCH"
        traces = "; ".join(f"{shape} x{n}" for shape, n in summary["shapes"].items())
        attributes = "; ".join(f"{name} {'/'.join(map(str, counts))}"
                               for name, counts in summary.get("attributes", {}).items())
        parts.append(f"{kind}: {traces} (decoded {decoded} spans, counted {summary['counted_spans']}{check}"
                     + (f"; attributes per span: {attributes}" if attributes else "") + ")")
    print(" | ".join(parts))


def window_cpu(line):
    """cpu window=15.0s cores=2 busy=27.9s (1.86 cores) app=20.1s (1.34) helpers=... -> key=value."""
    values = dict(re.findall(r"([a-z+-]+)=[0-9.]+s \(([0-9.]+)", line))
    names = {"busy": "busy_cores", "helpers": "helpers_cores", "wrk+tools": "wrk_cores",
             "other-processes": "other_cores"}
    print(" ".join(f"{names[key]}={values.get(key, 'n/a')}" for key in names))


# Thread groups by the kernel's thread name (cut to 15 characters): the threads that serve
# requests, the tracers' background threads (Boot's BatchSpanProcessor and the OTLP
# exporter's OkHttp threads; the agent's dd-* threads), the JIT compilers (warm-up work
# still going on, not the tracer's cost), the GC (and the VM thread's safepoints), the rest.
THREAD_GROUPS = [
    ("request", ("http-nio-", "reactor-http-", "parallel-", "boundedElastic-")),
    ("export", ("BatchSpanProces", "OkHttp", "okhttp", "Okio", "dd-")),
    ("jit", ("C1_CompilerThre", "C2_CompilerThre", "Sweeper")),
    ("gc", ("GC_Thread", "G1_", "VM_Thread")),
]


def thread_groups(before_path, after_path, hz):
    """Two thread_ticks snapshots -> thr_<group>_s=<CPU seconds in between> per group."""
    def read(path):
        ticks = {}
        for line in open(path):
            parts = line.split()
            if len(parts) == 3:
                ticks[parts[0]] = (parts[1], int(parts[2]))
        return ticks
    before, after = read(before_path), read(after_path)
    seconds = {name: 0.0 for name, _ in THREAD_GROUPS}
    seconds["other"] = 0.0
    for tid, (name, ticks) in after.items():
        spent = (ticks - before.get(tid, (name, 0))[1]) / float(hz)
        group = next((g for g, prefixes in THREAD_GROUPS if name.startswith(prefixes)), "other")
        seconds[group] += spent
    print(" ".join(f"thr_{group}_s={value:.2f}" for group, value in seconds.items()))


def parse(path):
    windows = []
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                windows.append(dict(token.split("=", 1) for token in line.split() if "=" in token))
    return windows


def number(window, key):
    return float(window[key])


def per_request(window):
    return number(window, "app_cpu_s") * 1e6 / number(window, "requests")


def per_request_without_jit(window):
    """CPU µs per request of every thread but the JIT compilers' (warm-up work, not the
    tracer's); the same as per_request for windows recorded without the thread split."""
    return (number(window, "app_cpu_s") - float(window.get("thr_jit_s", 0))) * 1e6 / number(window, "requests")


def thread_per_request(window, group):
    """CPU µs per request of one thread group in the window (0 when not recorded)."""
    requests = number(window, "requests")
    return float(window.get(f"thr_{group}_s", 0)) * 1e6 / requests if requests else float("nan")


def window_exported(window, suffix):
    """What reached the stand-ins after the window began, per request of the window."""
    sent = number(window, "requests")
    received = number(window, f"win_dd_{suffix}") + number(window, f"win_otlp_{suffix}")
    return received / sent if sent else 0.0


def delivered(window, suffix):
    """Spans received per request: of the window where recorded, else of the application's life."""
    return window_exported(window, suffix) if "win_otlp_spans" in window else exported(window, suffix)


def exported(window, suffix):
    """Spans the stand-in received over the application's life, per gateway request sent."""
    sent = number(window, "requests") + number(window, "warmup_requests")
    received = number(window, f"dd_{suffix}") + number(window, f"otlp_{suffix}")
    return received / sent if sent else 0.0


def verdict(window):
    """What the mode should have traced, and whether it did."""
    mode = window["mode"]
    dd = number(window, "dd_spans")
    dd_gateway = number(window, "dd_gateway_spans")
    otlp = number(window, "otlp_spans")
    otlp_gateway = number(window, "otlp_gateway_spans")
    problems = []
    want_dd = mode.startswith("dd-")
    want_otel = mode.startswith("otel-")
    if (window["dd_tracer"] != "0") != want_dd or (window["dd_span_class"] == "loaded") != want_dd:
        problems.append("Datadog tracer" + (" missing" if want_dd else " present"))
    if (window["otel_tracer"] != "0") != want_otel or (window["sdk_span_class"] == "loaded") != want_otel:
        problems.append("OpenTelemetry tracing" + (" missing" if want_otel else " present"))
    if (dd > 0) != want_dd:
        problems.append(f"{dd:.0f} Datadog spans")
    if (otlp > 0) != want_otel:
        problems.append(f"{otlp:.0f} OTLP spans")
    if (dd_gateway > 0) != (mode == "dd-on"):
        problems.append(f"{dd_gateway:.0f} Datadog gateway spans")
    if (otlp_gateway > 0) != mode.startswith(OTLP_GATEWAY_MODES):
        problems.append(f"{otlp_gateway:.0f} OTLP gateway spans")
    if window.get("other_paths", "none") != "none":
        problems.append("other intake paths " + window["other_paths"])
    if number(window, "errors") > 0:
        problems.append(f"{window['errors']} wrk errors")
    if problems:
        return "**" + "; ".join(problems) + "**"
    if mode == "dd-on" or mode.startswith(OTLP_GATEWAY_MODES):
        # Created is not exported: a tracer's queue drops spans when its exporter falls behind.
        # The window's own share where recorded (a full-speed warm-up may drop some).
        share = delivered(window, "gateway_spans")
        if share < 0.95:
            return f"ok, but only {100 * share:.0f}% of the gateway spans arrived"
    return "ok"


def median(values):
    return statistics.median(values) if values else float("nan")


def mean(values):
    return statistics.fmean(values) if values else float("nan")


def table(path):
    windows = parse(path)
    groups = {}
    for window in windows:
        groups.setdefault((window["app"], window["stack"], window["mode"]), []).append(window)
    keys = sorted(groups, key=lambda k: (k[0], k[1], MODES.index(k[2])))

    print("| app | stack | mode | rounds | req/s (mean) | p50 µs | p99 µs | app CPU µs/req (mean) | per round | "
          "spans exported/req | gateway spans/req | load 1-min (max) | other processes, cores (max) | errors |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for key in keys:
        ws = groups[key]
        rounds = " ".join(f"{per_request(w):.0f}" for w in sorted(ws, key=lambda w: int(w["round"])))
        print(f"| {key[0]} | {key[1]} | {key[2]} | {len(ws)} | {mean([number(w, 'rps') for w in ws]):.0f} | "
              f"{median([number(w, 'p50') for w in ws]):.0f} | {median([number(w, 'p99') for w in ws]):.0f} | "
              f"{mean([per_request(w) for w in ws]):.1f} | {rounds} | "
              f"{mean([delivered(w, 'spans') for w in ws]):.2f} | {mean([delivered(w, 'gateway_spans') for w in ws]):.2f} | "
              f"{max(float(w['load'].split('/')[0]) for w in ws):.2f} | "
              f"{max(float(w['other_cores']) for w in ws):.2f} | {sum(int(w['errors']) for w in ws)} |")

    print()
    print("Cost of the gateway span, per implementation, from the same rounds (on - off; on/off):")
    print()
    print("CPU per request without the JIT compilers' threads where the window recorded them (else all threads); "
          "the last but two columns count every thread.")
    print()
    print("| app | stack | implementation | CPU µs/req off | on | **on - off** | per round | tracing without gateway span: off - none | "
          "on - off, all threads | req/s on/off | per round |")
    print("|---|---|---|---:|---:|---:|---|---:|---:|---:|---|")
    costs = {}
    for app, stack in sorted({(k[0], k[1]) for k in keys}):
        for name, off_mode, on_mode in IMPLEMENTATIONS:
            off = {w["round"]: w for w in groups.get((app, stack, off_mode), [])}
            on = {w["round"]: w for w in groups.get((app, stack, on_mode), [])}
            none = {w["round"]: w for w in groups.get((app, stack, "none"), [])}
            paired = sorted(set(off) & set(on), key=int)
            if not paired:
                continue
            cpu_off = mean([per_request_without_jit(off[r]) for r in paired])
            cpu_on = mean([per_request_without_jit(on[r]) for r in paired])
            diffs = [per_request_without_jit(on[r]) - per_request_without_jit(off[r]) for r in paired]
            all_threads = mean([per_request(on[r]) - per_request(off[r]) for r in paired])
            ratios = [number(on[r], "rps") / number(off[r], "rps") for r in paired]
            ratio = mean([number(on[r], "rps") for r in paired]) / mean([number(off[r], "rps") for r in paired])
            base = [per_request_without_jit(off[r]) - per_request_without_jit(none[r]) for r in paired if r in none]
            costs[(app, stack, on_mode)] = mean(diffs)
            print(f"| {app} | {stack} | {name} | {cpu_off:.1f} | {cpu_on:.1f} | **{mean(diffs):+.1f}** | "
                  f"{' '.join(f'{d:+.0f}' for d in diffs)} | {(f'{mean(base):+.1f}' if base else 'n/a')} | "
                  f"{all_threads:+.1f} | {ratio:.3f} | {' '.join(f'{x:.2f}' for x in ratios)} |")
    pairs = [(app, stack) for (app, stack, mode) in costs if mode == "dd-on" and (app, stack, "otel-on") in costs]
    if pairs:
        print()
        for app, stack in pairs:
            dd, starter = costs[(app, stack, "dd-on")], costs[(app, stack, "otel-on")]
            print(f"- {app} on {stack}: the starter's gateway span {starter:+.1f} µs/req, dd-java-agent's {dd:+.1f} µs/req"
                  + (f" (starter / agent = {starter / dd:.2f})" if dd > 0 else ""))

    groups_known = [g for g, _ in THREAD_GROUPS] + ["other"]
    if any("thr_request_s" in w for w in windows):
        print()
        print("Where the CPU goes, by thread (µs per request, mean over rounds; request = the threads that serve "
              "requests, export = the tracer's background threads, jit = the JIT compilers, gc = GC and safepoints):")
        print()
        print("| app | stack | implementation | " + " | ".join(f"{g} off | on | **on − off**" for g in groups_known) + " |")
        print("|---|---|---|" + "---:|---:|---:|" * len(groups_known))
        for app, stack in sorted({(k[0], k[1]) for k in keys}):
            for name, off_mode, on_mode in IMPLEMENTATIONS:
                off = {w["round"]: w for w in groups.get((app, stack, off_mode), [])}
                on = {w["round"]: w for w in groups.get((app, stack, on_mode), [])}
                paired = sorted(set(off) & set(on), key=int)
                if not paired:
                    continue
                cells = []
                for g in groups_known:
                    o = mean([thread_per_request(off[r], g) for r in paired])
                    n = mean([thread_per_request(on[r], g) for r in paired])
                    cells.append(f"{o:.1f} | {n:.1f} | **{n - o:+.1f}**")
                print(f"| {app} | {stack} | {name} | " + " | ".join(cells) + " |")

    print()
    print("What each window traced (class histogram and loaded classes of the application; spans the stand-ins received):")
    print()
    print("| app | stack | mode | round | Micrometer OTel tracer | Datadog tracer | SDK span class | DD span class | "
          "Datadog spans | of them aws.apigateway | OTLP spans | of them aws.apigateway | inferred.proxy.requests | "
          "gateway requests sent | check |")
    print("|---|---|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|")
    for key in keys:
        for w in sorted(groups[key], key=lambda w: int(w["round"])):
            sent = number(w, "requests") + number(w, "warmup_requests")
            print(f"| {key[0]} | {key[1]} | {key[2]} | {w['round']} | {w['otel_tracer']} | {w['dd_tracer']} | "
                  f"{w['sdk_span_class']} | {w['dd_span_class']} | {w['dd_spans']} | {w['dd_gateway_spans']} | "
                  f"{w['otlp_spans']} | {w['otlp_gateway_spans']} | {w['inferred_proxy_requests']} | {sent:.0f} | {verdict(w)} |")


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"delta": delta, "shapes": shapes, "window-cpu": window_cpu, "thread-groups": thread_groups,
     "table": table}[command](*args)


if __name__ == "__main__":
    main()
