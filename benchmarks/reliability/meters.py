"""Counts the series (meters) of one meter name through Spring Boot's metrics endpoint.

    python3 meters.py http://127.0.0.1:8080 inferred.proxy.requests [--exact-limit N]

/actuator/metrics/<name> lists, for each tag key, the distinct values over every meter
of that name ("availableTags"), so the number of series is at least the largest of these
counts and at most their product. The series are counted exactly by narrowing the query
one tag at a time (?tag=key:value, as the endpoint allows) until only one tag varies,
with at most --exact-limit (500) more queries; if that is not enough, only the bounds
are printed. One line:

    <name> series=<n> (exact) values: method=2 route=3 ... count=<COUNT statistic>
    <name> series>=<n> (at most <product>: ...) values: ...

Only for loopback addresses; every request has a timeout.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# Seconds per query (METRICS_TIMEOUT): with many series the endpoint takes long.
TIMEOUT = float(os.environ.get("METRICS_TIMEOUT", "60"))


def query(base, name, filters):
    params = urllib.parse.urlencode([("tag", f"{key}:{value}") for key, value in filters])
    url = f"{base}/actuator/metrics/{name}" + (f"?{params}" if params else "")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def tag_values(body):
    return {tag["tag"]: tag["values"] for tag in body.get("availableTags", [])}


def listed(values):
    """The values themselves, when there are few and they are short."""
    if len(values) <= 6 and all(len(v) <= 40 for v in values):
        return "[" + ",".join(sorted(values)) + "]"
    return ""


def count_exact(base, name, filters, values, budget):
    """Series below the given filters, whose availableTags are values, or None when the
    query budget ran out. Every meter of one name has the same tag keys, so each series
    has exactly one value of each key."""
    varying = sorted((key for key in values if len(values[key]) > 1), key=lambda key: len(values[key]))
    if len(varying) <= 1:
        # All tags but one have a single value: one series per value of that one.
        return len(values[varying[0]]) if varying else 1
    key = varying[0]
    total = 0
    for value in values[key]:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
        body = query(base, name, filters + [(key, value)])
        if body is not None:
            below = count_exact(base, name, filters + [(key, value)], tag_values(body), budget)
            if below is None:
                return None
            total += below
    return total


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    base, name = argv[1], argv[2]
    limit = int(argv[argv.index("--exact-limit") + 1]) if "--exact-limit" in argv else 500
    host = urllib.parse.urlparse(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"refusing a non-loopback address: {base}", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        body = query(base, name, [])
    except (urllib.error.URLError, OSError) as error:
        print(f"{name} unavailable: no answer from the metrics endpoint within {TIMEOUT:.0f} s ({error})")
        return 1
    if body is None:
        print(f"{name} series=0 (no meter)")
        return 0
    values = tag_values(body)
    counts = {key: len(v) for key, v in sorted(values.items())}
    product = 1
    for n in counts.values():
        product *= n
    count = next((m["value"] for m in body.get("measurements", []) if m["statistic"] == "COUNT"), None)
    summary = " ".join(f"{key}={n}" + listed(values[key]) for key, n in counts.items())
    tail = f"values: {summary} count={count:.0f}" if count is not None else f"values: {summary}"
    tail += f" (endpoint answered in {time.monotonic() - started:.1f} s)"
    exact = None
    ordered = sorted(counts.values())
    # With one tag of more values than the budget and another that varies too, counting
    # would need more queries than the budget: do not start.
    if len(ordered) < 2 or ordered[-2] <= 1 or ordered[-1] <= limit:
        exact = count_exact(base, name, [], values, [limit])
    if exact is not None:
        print(f"{name} series={exact} (exact) {tail}")
    else:
        lowest = max(counts.values(), default=0)
        print(f"{name} series>={lowest} (at most {product}: largest and product of the tag counts) {tail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
