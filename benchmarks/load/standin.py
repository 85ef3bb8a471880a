"""Stand-in trace intake for the side-by-side load test (run-peer.sh): a Datadog Agent's
trace API and an OpenTelemetry collector's OTLP/HTTP traces endpoint on one loopback port.
It accepts and discards what it is sent, and counts it, so that a mode that exported
nothing shows.

    python3 standin.py PORT_FILE        # listens on 127.0.0.1:<free port>, writes the port

Datadog (dd-java-agent with DD_TRACE_AGENT_URL=http://127.0.0.1:<port>):
  GET /info            the endpoints offered: only /v0.4/traces (msgpack, whose span names
                       can be counted without decoding; no stats, no remote configuration)
  PUT /v0.4/traces     counted: requests, bytes, traces (X-Datadog-Trace-Count), spans (the
                       "name" keys of the span maps) and spans named aws.apigateway; answers
                       {"rate_by_service": ...} as the agent does
OpenTelemetry (management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:<port>/v1/traces):
  POST /v1/traces      counted: requests, bytes, spans (the trace and span ids that start
                       each span) and spans named aws.apigateway; answers an empty
                       ExportTraceServiceResponse
Control:
  POST /mark           the next payload of each kind is decoded (Datadog: its first
                       traces; OTLP: the whole batch) and summarised as trace shapes, with
                       the decoded span count next to the byte-search count, to check both
  GET /counts          every counter so far and the latest summaries, as JSON

Anything else is counted by path and answered 404. Counting is cheap on purpose (byte and
regular-expression searches, no decoding): the stand-in shares the machine with
the application under test, and the load script records its CPU separately.
"""

import gzip
import json
import re
import struct
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GATEWAY_SPAN = b"aws.apigateway"
# msgpack: the key "name" (fixstr of 4) and the value aws.apigateway (fixstr of 14).
DD_NAME_KEY = b"\xa4name"
DD_GATEWAY_NAME = DD_NAME_KEY + bytes([0xA0 | len(GATEWAY_SPAN)]) + GATEWAY_SPAN
# protobuf: Span.name is field 5, length-delimited (tag 0x2a), then the length.
OTLP_GATEWAY_NAME = b"\x2a" + bytes([len(GATEWAY_SPAN)]) + GATEWAY_SPAN
# protobuf: a Span inside ScopeSpans (field 2, then its length), starting with its trace_id
# (field 1, 16 bytes) and span_id (field 2, 8 bytes), as OpenTelemetry's exporter writes it.
OTLP_SPAN = re.compile(rb"\x12[\x80-\xff]{0,4}[\x00-\x7f]\x0a\x10.{16}\x12\x08", re.DOTALL)
# How many traces a summary decodes from one payload.
SUMMARY_TRACES = 20

lock = threading.Lock()
counts = Counter()
other_paths = Counter()
summaries = {}
pending = set()


# ---- protobuf (wire format only) ----

def varint(buf, i):
    shift = result = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(buf, start=0, end=None):
    """(field number, wire type, value) of one message; value is a memoryview for
    length-delimited fields, an int otherwise."""
    i, end = start, len(buf) if end is None else end
    while i < end:
        key, i = varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(buf, i)
        elif wire == 1:
            value, i = int.from_bytes(buf[i:i + 8], "little"), i + 8
        elif wire == 2:
            length, i = varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = int.from_bytes(buf[i:i + 4], "little"), i + 4
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def otlp_spans(body):
    """ExportTraceServiceRequest.resource_spans(1) -> ResourceSpans.scope_spans(2) ->
    ScopeSpans.spans(2): every Span's bytes, undecoded."""
    view = memoryview(body)
    for number, _, resource_spans in fields(view):
        if number != 1:
            continue
        for number, _, scope_spans in fields(resource_spans):
            if number != 2:
                continue
            for number, _, span in fields(scope_spans):
                if number == 2:
                    yield span


def otlp_summary(body):
    spans = []
    for raw in otlp_spans(body):
        span = {"parent": b"", "attributes": 0}
        for number, _, value in fields(raw):
            if number == 1:
                span["trace"] = bytes(value)
            elif number == 2:
                span["id"] = bytes(value)
            elif number == 4:
                span["parent"] = bytes(value)
            elif number == 5:
                span["name"] = bytes(value).decode("utf-8", "replace")
            elif number == 9:
                span["attributes"] += 1
        spans.append(span)
    attributes = {}
    for span in spans:
        attributes.setdefault(span.get("name", "?"), set()).add(span["attributes"])
    return {"shapes": shapes(spans), "walked_spans": len(spans),
            "counted_spans": len(OTLP_SPAN.findall(body)),
            "attributes": {name: sorted(counts) for name, counts in sorted(attributes.items())}}


# ---- msgpack (the subset a tracer sends) ----

def unpack(buf, i):
    b = buf[i]
    i += 1
    if b <= 0x7F:
        return b, i
    if b >= 0xE0:
        return b - 0x100, i
    if 0x80 <= b <= 0x8F:
        return unpack_map(buf, i, b & 0x0F)
    if 0x90 <= b <= 0x9F:
        return unpack_array(buf, i, b & 0x0F)
    if 0xA0 <= b <= 0xBF:
        n = b & 0x1F
        return bytes(buf[i:i + n]).decode("utf-8", "replace"), i + n
    if b == 0xC0:
        return None, i
    if b in (0xC2, 0xC3):
        return b == 0xC3, i
    sizes = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4}
    if b in sizes:
        n, i = int.from_bytes(buf[i:i + sizes[b]], "big"), i + sizes[b]
        raw = bytes(buf[i:i + n])
        return (raw if b <= 0xC6 else raw.decode("utf-8", "replace")), i + n
    if b in (0xCA, 0xCB):
        n = 4 if b == 0xCA else 8
        return struct.unpack(">f" if n == 4 else ">d", buf[i:i + n])[0], i + n
    ints = {0xCC: (1, False), 0xCD: (2, False), 0xCE: (4, False), 0xCF: (8, False),
            0xD0: (1, True), 0xD1: (2, True), 0xD2: (4, True), 0xD3: (8, True)}
    if b in ints:
        n, signed = ints[b]
        return int.from_bytes(buf[i:i + n], "big", signed=signed), i + n
    if b in (0xDC, 0xDD):
        n = 2 if b == 0xDC else 4
        return unpack_array(buf, i + n, int.from_bytes(buf[i:i + n], "big"))
    if b in (0xDE, 0xDF):
        n = 2 if b == 0xDE else 4
        return unpack_map(buf, i + n, int.from_bytes(buf[i:i + n], "big"))
    raise ValueError(f"msgpack type 0x{b:02x}")


def unpack_array(buf, i, n, limit=None):
    items = []
    for k in range(n):
        if limit is not None and k == limit:
            break
        item, i = unpack(buf, i)
        items.append(item)
    return items, i


def unpack_map(buf, i, n):
    result = {}
    for _ in range(n):
        key, i = unpack(buf, i)
        result[key], i = unpack(buf, i)
    return result, i


def dd_summary(body):
    view = memoryview(body)
    b = view[0]
    if 0x90 <= b <= 0x9F:
        n, i = b & 0x0F, 1
    elif b == 0xDC:
        n, i = int.from_bytes(view[1:3], "big"), 3
    else:
        n, i = int.from_bytes(view[1:5], "big"), 5
    traces, end = unpack_array(view, i, n, limit=SUMMARY_TRACES)
    spans = []
    for trace in traces:
        for span in trace:
            spans.append({"trace": span.get("trace_id"), "id": span.get("span_id"),
                          "parent": span.get("parent_id") or 0,
                          "name": f'{span.get("name")}[{span.get("service")}]'})
    return {"shapes": shapes(spans), "decoded_traces": len(traces), "decoded_spans": len(spans),
            "counted_spans": bytes(view[:end]).count(DD_NAME_KEY)}


def shapes(spans):
    """How many traces of each shape: name(child, child(grandchild)), children in name order;
    a span whose parent is not in the payload counts as a root."""
    by_trace = {}
    for span in spans:
        by_trace.setdefault(span.get("trace"), []).append(span)
    result = Counter()
    for members in by_trace.values():
        ids = {s.get("id") for s in members}
        children = {}
        for s in members:
            children.setdefault(s["parent"] if s["parent"] in ids else None, []).append(s)

        def shape(s):
            kids = sorted(shape(c) for c in children.get(s.get("id"), []))
            return s.get("name", "?") + (f'({", ".join(kids)})' if kids else "")

        result[" + ".join(sorted(shape(root) for root in children.get(None, [])))] += 1
    return dict(result.most_common())


def take_summary(kind, summarise, data):
    """The summary of this payload if one of its kind is pending (after /mark), else None."""
    with lock:
        if kind not in pending:
            return None
        pending.discard(kind)
    try:
        return summarise(data)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError) as error:
        return {"undecodable": repr(error)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Encoding", "").lower() == "gzip":
            data = gzip.decompress(data)
        return data, length

    def answer(self, code, payload, content_type="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        if self.path == "/info":
            self.answer(200, json.dumps({
                "version": "0.0.0-standin", "endpoints": ["/v0.4/traces"],
                "client_drop_p0s": False, "config": {}}).encode())
        elif self.path == "/counts":
            with lock:
                state = {"counts": dict(counts), "other_paths": dict(other_paths), "summaries": summaries}
                self.answer(200, json.dumps(state, sort_keys=True).encode())
        else:
            self.unknown()

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        if self.path == "/v0.4/traces":
            data, length = self.body()
            summary = take_summary("dd", dd_summary, data) if data[:1] != b"\x90" else None
            with lock:
                counts["dd_requests"] += 1
                counts["dd_bytes"] += length
                counts["dd_traces"] += int(self.headers.get("X-Datadog-Trace-Count") or 0)
                counts["dd_spans"] += data.count(DD_NAME_KEY)
                counts["dd_gateway_spans"] += data.count(DD_GATEWAY_NAME)
                if summary is not None:
                    summaries["dd"] = summary
            self.answer(200, b'{"rate_by_service":{"service:,env:":1.0}}')
        elif self.path == "/v1/traces":
            data, length = self.body()
            spans = len(OTLP_SPAN.findall(data))
            summary = take_summary("otlp", otlp_summary, data) if spans else None
            with lock:
                counts["otlp_requests"] += 1
                counts["otlp_bytes"] += length
                counts["otlp_spans"] += spans
                counts["otlp_gateway_spans"] += data.count(OTLP_GATEWAY_NAME)
                if summary is not None:
                    summaries["otlp"] = summary
            self.answer(200, b"", "application/x-protobuf")
        elif self.path == "/mark":
            self.body()
            with lock:
                pending.update(("dd", "otlp"))
                summaries.clear()
            self.answer(200, b"{}")
        else:
            self.body()
            self.unknown()

    def unknown(self):
        with lock:
            other_paths[self.command + " " + self.path.split("?")[0]] += 1
        self.answer(404, b"{}")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1], "w") as port_file:
        port_file.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
