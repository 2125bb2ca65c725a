-- Shared by the operation scripts (wrk runs with bench/ as its working directory): the headers
-- every /orders request needs, and one JSON line with the run's figures for bench/run.py.

wrk.headers["x-api-key"] = "bench-key"
wrk.headers["tenant-id"] = "bench"
-- The bearer: the token the server gave at POST /oauth/token (bench/servers.py passes it), which
-- the sandbox requires; else one Prism's mock accepts (the spec lists the bearer everywhere).
wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION") or "Bearer bench-token"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"non_2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect, errors.read, errors.write, errors.timeout))
end
