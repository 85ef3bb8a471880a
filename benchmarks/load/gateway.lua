-- wrk script: GET /orders/1 as Amazon API Gateway (REST API) forwards it, with the full
-- set of x-dd-proxy-* headers. The gateway receive time is the current second, so it
-- is never in the future and always within the starter's maximum age; the request is
-- formatted once per second, so that the client's cost stays that of a static request.
-- LOAD_PATH and LOAD_RESOURCE_PATH (the route template) change the request; by default
-- the sample's GET /orders/1.
-- LOAD_RATE (requests/s over all connections) paces each connection: after a response it
-- waits connections / LOAD_RATE seconds (whole milliseconds, as wrk counts them) before
-- the next request, so that the offered load stays below saturation and both tracers'
-- exporters keep up. Without it, every connection sends as fast as it is answered. The
-- rate achieved is a little lower (the response time adds to the wait): report it.
local path = os.getenv("LOAD_PATH") or "/orders/1"
local resource_path = os.getenv("LOAD_RESOURCE_PATH") or "/orders/{id}"
local last_second, cached
local rate = tonumber(os.getenv("LOAD_RATE") or "")
local connections = tonumber(os.getenv("LOAD_CONNECTIONS") or "")
local pause_ms = (rate and rate > 0 and connections) and math.floor(connections * 1000 / rate + 0.5) or 0

if pause_ms > 0 then
  delay = function()
    return pause_ms
  end
end

request = function()
  local second = os.time()
  if second ~= last_second then
    last_second = second
    cached = wrk.format("GET", path, {
      ["x-dd-proxy"] = "aws-apigateway",
      ["x-dd-proxy-request-time-ms"] = string.format("%d000", second),
      ["x-dd-proxy-domain-name"] = "api.example.com",
      ["x-dd-proxy-httpmethod"] = "GET",
      ["x-dd-proxy-path"] = "/prod" .. path,
      ["x-dd-proxy-stage"] = "prod",
      ["x-dd-proxy-resource-path"] = resource_path,
      ["x-dd-proxy-account-id"] = "123456789012",
      ["x-dd-proxy-api-id"] = "a1b2c3d4e5",
      ["x-dd-proxy-region"] = "eu-west-3",
    })
  end
  return cached
end

done = require("report").done
