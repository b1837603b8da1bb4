-- Video heartbeats that every report moves forward by one second.
-- wrk -t N -c N ... -s heartbeat.lua -- <config file> <first second>
--
-- One connection per thread, and each thread reports for its own learner and
-- enrollment (line idx of the config), so reports never race on one row.
-- Each report adds exactly one new second to the watched union: always within
-- the plausibility slack (5 s), so every report is accepted and written.
--
-- Config file: line 1 the path, line 2 "graphql" or "baseline", line 3 the
-- GraphQL document as a JSON string, then "token enrollmentId lessonId" lines.
function init(args)
  local lines = {}
  for line in io.lines(args[1]) do table.insert(lines, line) end
  path, mode, document = lines[1], lines[2], lines[3]
  local slots = #lines - 3
  local slot = lines[4 + (idx % slots)]
  token, enrollment, lesson = string.match(slot, "(%S+) (%S+) (%S+)")
  second = tonumber(args[2])
  headers = {
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
end

function request()
  local body
  if mode == "graphql" then
    body = string.format(
      '{"query":%s,"variables":{"e":"%s","l":"%s","from":%d,"to":%d}}',
      document, enrollment, lesson, second, second + 1)
  else
    body = string.format(
      '{"enrollmentId":"%s","lessonId":"%s","fromSecond":%d,"toSecond":%d}',
      enrollment, lesson, second, second + 1)
  end
  second = second + 1
  return wrk.format("POST", path, headers, body)
end
