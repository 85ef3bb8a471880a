-- wrk script: GET /orders/1 as Amazon API Gateway (REST API) forwards it, with the full
-- set of x-dd-proxy-* headers. The gateway receive time is the current second, so it
-- is never in the future and always within the starter's maximum age; the request is
-- formatted once per second, so that the client's cost stays that of a static request.
-- LOAD_PATH and LOAD_RESOURCE_PATH (the route template) change the request; by default
-- the sample's GET /orders/1.
local path = os.getenv("LOAD_PATH") or "/orders/1"
local resource_path = os.getenv("LOAD_RESOURCE_PATH") or "/orders/{id}"
local last_second, cached

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
