-- POST a regular booking at a random offered start (STARTS_FILE: one per line).
local starts = {}
for line in io.lines(os.getenv("STARTS_FILE")) do
  starts[#starts + 1] = line
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 7919)
end

function request()
  local start = starts[math.random(#starts)]
  local body = '{"office":"buergerbuero","services":["anmeldung"],"start":"' .. start ..
    '","citizen":{"name":"Last Test","email":"last@example.org"}}'
  return wrk.format(nil, "/api/v1/bookings", nil, body)
end
