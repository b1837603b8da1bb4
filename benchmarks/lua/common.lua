-- Shared by the scenario scripts (the harness writes it in front of each): counts bad answers per
-- thread and prints one machine-readable line at the end.
--
-- A bad answer is a status other than 200 or a body carrying GraphQL "errors";
-- the baseline endpoints answer the same envelope, so one check fits both.

threads = {}
bad = 0

function setup(thread)
  thread:set("idx", #threads)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bad":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, total_bad,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
