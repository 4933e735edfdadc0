/**
 * 2. API: autocannon (its own process) on getRadarConnection with Basic auth
 * (root:pass), 100 connections, pipelining 1 and 10, against the camera
 * (`dist/cli/camera.js --no-sim`, default settings — one info line per
 * request — configured and not active; its output on a pipe that the runner
 * drains, as under a service manager).
 * Baseline: bench/servers/bare-fastify.mjs, a bare Fastify route answering
 * the same JSON without auth, validation, journal or state, in the same run.
 * Camera and baseline alternate round by round; medians are reported.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { ROOT, cpuNs, stopChild } from './lib/proc.mjs'
import { startBareFastify, startCamera } from './lib/servers.mjs'
import { cgi, postJson, ROOT_AUTH } from './lib/vapix.mjs'
import { fmt, median } from './lib/stats.mjs'

const BODY = JSON.stringify({ apiVersion: '1.0', method: 'getRadarConnection' })

function cannon (opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'lib', 'autocannon-worker.mjs'), JSON.stringify(opts)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { err += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), (opts.warmupS + opts.durationS + 30) * 1000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`autocannon failed (${code}): ${err.slice(-500)}`))
      resolve(JSON.parse(out))
    })
  })
}

export async function run (ctx) {
  const tmp = join(ctx.tmp, 'api')
  mkdirSync(tmp, { recursive: true })
  const rounds = ctx.quick ? 1 : 5
  const durationS = ctx.quick ? 1.5 : 5
  const warmupS = ctx.quick ? 0.5 : 2
  let camera, bare
  try {
    camera = await startCamera(tmp, 'api', ['--no-sim'])
    // A configured, inactive pairing: the answer carries address, user, state, tls, tls-verify.
    await cgi(camera.port, 'setRadarConnection', { address: '192.0.2.10:8081', user: 'radar', password: 'secret' })
    const expected = await postJson(camera.port, '/networkradarpairing.cgi', JSON.parse(BODY))
    if (expected.status !== 200 || expected.body?.data?.state !== 'not-active') throw new Error(`unexpected answer ${JSON.stringify(expected)}`)
    bare = await startBareFastify(tmp, expected.body.data)
    const check = await postJson(bare.port, '/networkradarpairing.cgi', JSON.parse(BODY), { auth: null })
    if (JSON.stringify(check.body) !== JSON.stringify(expected.body)) throw new Error(`baseline answers ${JSON.stringify(check.body)}, camera ${JSON.stringify(expected.body)}`)

    const res = { camera: { 1: [], 10: [] }, baseline: { 1: [], 10: [] } }
    for (let r = 0; r < rounds; r++) {
      for (const p of [1, 10]) {
        for (const [who, server, headers] of [
          ['camera', camera, { 'content-type': 'application/json', authorization: ROOT_AUTH }],
          ['baseline', bare, { 'content-type': 'application/json' }]
        ]) {
          ctx.say(`api: ${who}, -c 100 -p ${p}, round ${r + 1}/${rounds}`)
          const url = `http://127.0.0.1:${server.port}/networkradarpairing.cgi`
          if (r === 0) await cannon({ url, body: BODY, headers, connections: 100, pipelining: p, warmupS: 0, durationS: warmupS })
          const c0 = cpuNs(server.pid)
          const out = await cannon({ url, body: BODY, headers, connections: 100, pipelining: p, warmupS: 0, durationS })
          out.cpuPerReqUs = (cpuNs(server.pid) - c0) / 1000 / out.total
          if (out.errors > 0 || out.timeouts > 0 || out.non2xx > 0) throw new Error(`${who} -p ${p}: ${out.errors} errors, ${out.timeouts} timeouts, ${out.non2xx} non-2xx`)
          res[who][p].push(out)
        }
      }
    }
    const rows = []
    for (const p of [1, 10]) {
      const cam = median(res.camera[p].map((o) => o.rps))
      const base = median(res.baseline[p].map((o) => o.rps))
      // Requests per CPU-second of the server process: what one core's worth of
      // CPU serves — steadier than req/s when other tenants take CPU away.
      const camCpu = median(res.camera[p].map((o) => 1e6 / o.cpuPerReqUs))
      const baseCpu = median(res.baseline[p].map((o) => 1e6 / o.cpuPerReqUs))
      ctx.bench({ name: `api-get-radar-connection-p${p}`, metric: 'req_per_s', value: cam, baseline: base, better: 'higher', target: 0.85 })
      ctx.bench({ name: `api-get-radar-connection-p${p}-cpu`, metric: 'req_per_cpu_s', value: camCpu, baseline: baseCpu, better: 'higher', target: 0.85 })
      rows.push([`-c 100 -p ${p}`, `${fmt(cam)} / ${fmt(base)}`, `**${(cam / base).toFixed(2)}×**`,
        `${fmt(camCpu)} / ${fmt(baseCpu)}`, `**${(camCpu / baseCpu).toFixed(2)}×**`,
        `${fmt(median(res.camera[p].map((o) => o.latencyP50)))} / ${fmt(median(res.baseline[p].map((o) => o.latencyP50)))}`,
        `${fmt(median(res.camera[p].map((o) => o.latencyP99)))} / ${fmt(median(res.baseline[p].map((o) => o.latencyP99)))}`,
        res.camera[p].map((o) => fmt(o.rps)).join(', ') + ' / ' + res.baseline[p].map((o) => fmt(o.rps)).join(', ')])
    }
    ctx.table('API: getRadarConnection (camera / bare Fastify baseline)',
      ['autocannon', 'requests/s (median)', 'ratio', 'requests per server CPU-second', 'ratio', 'latency p50 ms', 'latency p99 ms', 'req/s per round'],
      rows, `${rounds} round(s) of ${durationS} s after ${warmupS} s of warm-up, camera and baseline alternating. Target: ≥ 0.85× the baseline.`)
  } finally {
    await stopChild(camera?.child)
    await stopChild(bare?.child)
  }
}
