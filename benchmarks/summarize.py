#!/usr/bin/env python3
"""Turn a JMH JSON result (-rf json) into the Markdown tables of README.md, with the
derived figures that the targets are about, all from the same run."""
import json
import sys

results = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "results/jmh.json"))
rows = {}
vocabularies = []
for r in results:
    cls, name = r["benchmark"].split(".")[-2:]
    params = r.get("params") or {}
    param = params.get("handlers", "")
    if "vocabulary" in params:
        # Without -p vocabulary=..., "both" only; its rows keep the plain handlers label.
        if params["vocabulary"] != "both":
            param += " " + params["vocabulary"]
        if params["vocabulary"] not in vocabularies:
            vocabularies.append(params["vocabulary"])
    score = r["primaryMetric"]["score"]
    error = r["primaryMetric"]["scoreError"]
    alloc = r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    rows[(cls, name, param)] = (score, error, alloc)

print("| benchmark | handlers | ns/op | ± (99.9%) | B/op |")
print("|---|---|---:|---:|---:|")
for (cls, name, param), (score, error, alloc) in rows.items():
    print(f"| {cls}.{name} | {param} | {score:,.1f} | {error:,.1f} | {alloc:,.0f} |")


def get(cls, name, param=""):
    return rows[(cls, name, param)]



def full_suite():
    """The request benchmarks' derived figures and the targets."""
    print()
    print("| derived figure (same run) | ns | B |")
    print("|---|---:|---:|")
    d = "HeaderDetectionBenchmark"
    for bench, base, label in (("filterWithoutGatewayHeaders", "baselineEmptyChain", "servlet filter, no gateway headers, over an empty chain"),
                               ("decoratorWithoutGatewayHeaders", "baselineEmptyHandler", "WebFlux decorator, no gateway headers, over an empty handler")):
        t, _, a = get(d, bench)
        bt, _, ba = get(d, base)
        print(f"| {label} | {t - bt:.1f} | {a - ba:.0f} |")
    p = "GatewayHeaderParserBenchmark"
    for bench, label in (("parseFromMap", "parse + validate 11 gateway headers (map lookup)"),
                         ("parseFromServletRequest", "parse + validate 11 gateway headers (servlet request lookup)")):
        t, _, a = get(p, bench)
        print(f"| {label} | {t:.1f} | {a:.0f} |")
    parse, _, _ = get(p, "parseFromMap")
    for cls in ("ServletRequestBenchmark", "ReactiveRequestBenchmark"):
        bare, _, _ = get(cls, "bareOtelSpan", "tracing")
        # No gateway span can cost less than reading its headers plus starting and ending a span.
        print(f"| lower bound of any gateway span ({cls} run): parse (map) + bare span | {parse + bare:,.0f} "
              f"({(parse + bare) / bare:.1f}x bare span {bare:.0f} ns) | |")
    params = [h + ("" if v == "both" else " " + v) for v in (vocabularies or ["both"]) for h in ("tracing", "tracing+metrics")]
    targets = []
    for cls, stack in (("ServletRequestBenchmark", "servlet"), ("ReactiveRequestBenchmark", "WebFlux")):
        for param in params:
            bare, _, bare_a = get(cls, "bareOtelSpan", param)
            attr, _, attr_a = get(cls, "otelSpanWithGatewayAttributes", param)
            off_g, _, off_g_a = get(cls, "serverObservationGatewayHeaders", param)
            on_g, _, on_g_a = get(cls, "starterGatewayHeaders", param)
            off_p, _, off_p_a = get(cls, "serverObservationNoGatewayHeaders", param)
            on_p, _, on_p_a = get(cls, "starterNoGatewayHeaders", param)
            gw = on_g - off_g
            # The floor of a gateway span with these attributes: reading the headers, and one
            # SDK span with the same attributes set by name, without the Observation API.
            floor = parse + attr
            targets.append((stack, param, gw / off_g, gw / floor, floor, on_g_a - off_g_a, on_p - off_p, on_p_a - off_p_a))
            print(f"| {stack} ({param}): gateway span = starter − server observation, with headers | {gw:,.0f} "
                  f"(**{gw / bare:.1f}x** bare span {bare:.0f} ns; {gw / attr:.1f}x span with gateway attributes {attr:.0f} ns; "
                  f"{gw / off_g:.2f}x Spring's server observation {off_g:,.0f} ns) | {on_g_a - off_g_a:,.0f} |")
            print(f"| {stack} ({param}): starter on − off, without gateway headers | {on_p - off_p:,.0f} "
                  f"({100 * (on_p - off_p) / off_p:+.1f}% of {off_p:,.0f} ns) | {on_p_a - off_p_a:,.0f} |")

    print()
    print("Targets against the peer, each from the same run:")
    print()
    print("| stack (handlers, vocabulary) | gateway span / Spring's server observation (target ≤ 1.0) | gateway span / floor "
          "(parse + SDK span with the same attributes; target ≤ 2.0) | B per gateway request (target ≤ 3,072) | "
          "no headers: ns, B (targets < 50, 0) |")
    print("|---|---:|---:|---:|---|")
    for stack, param, vs_server, vs_floor, floor, bytes_, plain_ns, plain_b in targets:
        print(f"| {stack} ({param}) | {vs_server:.2f} | {vs_floor:.2f} (floor {floor:,.0f} ns) | {bytes_:,.0f} | "
              f"{plain_ns:+,.0f} ns, {plain_b:+,.0f} B over the chain without the starter |")


def export_tables():
    """SpanExportBenchmark: what exporting a request's spans costs, per request."""
    e = "SpanExportBenchmark"
    print()
    print("What exporting a request's spans costs Spring Boot's pipeline, per request (a batch of "
          "recorded requests; same run):")
    print()
    print("| vocabulary | path | server span alone: ns, B | server + gateway span: ns, B | **the gateway span: ns** | B |")
    print("|---|---|---:|---:|---:|---:|")
    paths = (("Boot's pipeline: Micrometer's CompositeSpanExporter (with the starter's span filter) + OTLP marshalling",
              "exportStarterOff", "exportStarterOn"),
             ("the same without the starter's span filter", "exportStarterOff", "exportStarterOnWithoutFilter"),
             ("OTLP marshalling alone (no Micrometer copy)", "marshalStarterOff", "marshalStarterOn"),
             ("model: Micrometer's copy building attributes and resource once, + OTLP", "copyOnceStarterOff",
              "copyOnceStarterOn"))
    for vocabulary in vocabularies or ["both"]:
        for label, off, on in paths:
            t0, _, a0 = get(e, off, "" if vocabulary == "both" else " " + vocabulary)
            t1, _, a1 = get(e, on, "" if vocabulary == "both" else " " + vocabulary)
            print(f"| {vocabulary} | {label} | {t0:,.0f}, {a0:,.0f} | {t1:,.0f}, {a1:,.0f} | **{t1 - t0:+,.0f}** | "
                  f"{a1 - a0:+,.0f} |")


if ("HeaderDetectionBenchmark", "filterWithoutGatewayHeaders", "") in rows:
    full_suite()
if any(cls == "SpanExportBenchmark" for cls, _, _ in rows):
    export_tables()
