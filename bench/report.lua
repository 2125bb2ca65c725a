-- Shared by the operation scripts (wrk runs with bench/ as its working directory): the headers
-- every /orders request needs, and one JSON line with the run's figures for bench/run.py.

wrk.headers["x-api-key"] = "bench-key"
wrk.headers["tenant-id"] = "bench"
-- The spec's operations also list the OAuth2 bearer: Prism refuses a request without one (401);
-- the sandbox, in its default mode, does not check it.
wrk.headers["Authorization"] = "Bearer bench-token"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"non_2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
