-- Prints one machine-readable line per wrk run: requests/s, latency percentiles in
-- microseconds, and every kind of error (non-2xx/3xx responses included).
local M = {}

function M.done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50=%d p90=%d p99=%d requests=%d errors=%d\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
      latency:percentile(99), summary.requests, errors))
end

return M
