-- wrk script for forged-series.sh, sent straight to the application (no gateway in
-- front): GET /orders/1 with a complete, valid set of gateway headers (a receive time of
-- the current second, as in ../load/gateway.lua) in which the headers that become meter
-- tags are forged, new on every request:
--   x-dd-proxy-resource-path  /forged/<run>-<thread>-<n>   (the route tag)
--   x-dd-proxy-stage          stage-<run>-<thread>-<n>     (the stage tag)
--   x-dd-proxy-httpmethod     the 8 standard methods in turn, and every 9th request a
--                             new non-standard one, M-<thread>-<n> (the method tag)
--   x-dd-proxy-path           the same as the route (not a tag; the span's path)
-- Arguments after "--": the number of responses after which each thread stops (0: until
-- wrk's -d), the length to which the forged route and stage are padded with "x" (0: no
-- padding), and a file to create when a thread stops (wrk itself runs until -d or
-- SIGINT; forged-series.sh then sends SIGINT, so that requests/s are over the time
-- actually taken), and a run name (<run> above: values differ from one wrk run to the
-- next). Prints one RESULT line (../load/report.lua).
local methods = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE" }
local counter = 0
local responses = 0
local limit = 0
local length = 0
local marker = nil
local run = "0"
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local function forged(prefix)
  local value = string.format("%s%s-%d-%d", prefix, run, tid, counter)
  if #value < length then
    value = value .. string.rep("x", length - #value)
  end
  return value
end

function init(args)
  limit = tonumber(args[1]) or 0
  length = tonumber(args[2]) or 0
  marker = args[3]
  run = args[4] or run
  if limit <= 0 then
    -- wrk skips parsing responses when there is no response function.
    response = nil
  end
end

function request()
  counter = counter + 1
  local route = forged("/forged/")
  local method = (counter % 9 == 0) and string.format("M-%d-%d", tid, counter) or methods[counter % 9]
  return wrk.format("GET", "/orders/1", {
    ["x-dd-proxy"] = "aws-apigateway",
    ["x-dd-proxy-request-time-ms"] = string.format("%d000", os.time()),
    ["x-dd-proxy-domain-name"] = "api.example.com",
    ["x-dd-proxy-httpmethod"] = method,
    ["x-dd-proxy-path"] = route,
    ["x-dd-proxy-stage"] = forged("stage-"),
    ["x-dd-proxy-resource-path"] = route,
    ["x-dd-proxy-account-id"] = "123456789012",
    ["x-dd-proxy-api-id"] = "a1b2c3d4e5",
    ["x-dd-proxy-region"] = "eu-west-3",
  })
end

function response()
  responses = responses + 1
  if responses == limit then
    if marker then
      local file = io.open(marker, "w")
      if file then file:close() end
    end
    wrk.thread:stop()
  end
end

done = require("report").done
