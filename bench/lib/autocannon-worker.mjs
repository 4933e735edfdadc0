/**
 * autocannon in its own process (the load generator):
 * `node autocannon-worker.mjs '<json options>'` → one JSON line on stdout.
 * Options: url, body, headers, connections, pipelining, warmupS, durationS.
 */
import autocannon from 'autocannon'

const o = JSON.parse(process.argv[2])
const run = (duration) => autocannon({
  url: o.url,
  method: 'POST',
  headers: o.headers,
  body: o.body,
  connections: o.connections,
  pipelining: o.pipelining,
  duration,
  timeout: 10
})
if (o.warmupS > 0) await run(o.warmupS)
const r = await run(o.durationS)
process.stdout.write(JSON.stringify({
  rps: r.requests.total / r.duration,
  total: r.requests.total,
  duration: r.duration,
  errors: r.errors,
  timeouts: r.timeouts,
  non2xx: r.non2xx,
  latencyP50: r.latency.p50,
  latencyP99: r.latency.p99
}) + '\n')
