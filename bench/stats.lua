-- wrk script: spread requests over the paths listed in the file named by PATHS_FILE (one per
-- line), and print the run's figures as one JSON line at the end.
local paths = {}
local file = os.getenv("PATHS_FILE")
if file then
  for line in io.lines(file) do if #line > 0 then paths[#paths + 1] = line end end
end
math.randomseed(42)

request = function()
  if #paths == 0 then return wrk.format(nil) end
  return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, errors, summary.errors.status))
end
