-- wrk script for soak.sh, sent to the nginx gateway stand-in (which adds the gateway
-- headers): a repeating cycle of 20 requests, all GET, as an API's clients might send:
--   14 x /orders/1, /orders/2, /orders/3      200, route /orders/{id}
--    2 x /orders                              200, route /orders
--    2 x /orders/<new id every time>          404, route /orders/{id}
--    2 x /not-an-api-path/<one of 50>         404, no route template (nginx sends none)
-- The order ids of the first 404s differ on every request: the meters must not grow
-- with them. The unrouted paths repeat (50 of them): Spring MVC looks an unmapped path
-- up as a static resource on the class path, and the JDK's built-in class loaders cache
-- every missed name (a soft-referenced map per loader), which made the heap grow by
-- about 40 MB in 5 minutes when these paths were new on every request
-- (results/soak-servlet-unique-unrouted-paths.txt).
-- Prints one RESULT line, with the responses counted by status class.
local cycle = {}
local position = 0
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init()
  for i = 1, 14 do cycle[#cycle + 1] = wrk.format("GET", "/orders/" .. ((i - 1) % 3 + 1)) end
  cycle[#cycle + 1] = wrk.format("GET", "/orders")
  cycle[#cycle + 1] = wrk.format("GET", "/orders")
  cycle[#cycle + 1] = "missing-order"
  cycle[#cycle + 1] = "missing-order"
  cycle[#cycle + 1] = "no-route"
  cycle[#cycle + 1] = "no-route"
  status_2xx, status_404, status_other = 0, 0, 0
end

function request()
  position = position % #cycle + 1
  local r = cycle[position]
  if r == "missing-order" then
    counter = counter + 1
    return wrk.format("GET", string.format("/orders/missing-%d-%d", tid, counter))
  elseif r == "no-route" then
    counter = counter + 1
    return wrk.format("GET", string.format("/not-an-api-path/%d", counter % 50))
  end
  return r
end

function response(status)
  if status >= 200 and status < 300 then
    status_2xx = status_2xx + 1
  elseif status == 404 then
    status_404 = status_404 + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency)
  local s2, s4, so = 0, 0, 0
  for _, thread in ipairs(threads) do
    s2 = s2 + thread:get("status_2xx")
    s4 = s4 + thread:get("status_404")
    so = so + thread:get("status_other")
  end
  local e = summary.errors
  io.write(string.format(
      "RESULT rps=%.1f p50=%d p90=%d p99=%d requests=%d non2xx=%d (404=%d, other=%d; expected 404s: 20%%)"
      .. " socket_errors=%d (connect=%d read=%d write=%d timeout=%d)\n",
      summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
      latency:percentile(99), summary.requests, s4 + so, s4, so,
      e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout))
  if s2 + s4 + so ~= summary.requests then
    io.write(string.format("# note: %d responses counted by status, wrk counted %d requests\n",
        s2 + s4 + so, summary.requests))
  end
end
