/**
 * 5. Startup: from spawning the process to the first answered request
 * (GET /emulator/v1/health, polled every 5 ms on a port chosen beforehand),
 * for `node dist/cli/camera.js --no-sim` and with the built-in simulator
 * (fifty-tracks). Baseline: `node bench/servers/bare-fastify.mjs`, a bare
 * Fastify server answering the same path. Median of several runs; the
 * three variants alternate. Target: camera ≤ 0.5 s.
 */
import http from 'node:http'
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { CAMERA_CLI, ROOT, freePort, sleep, spawnNode, stopChild } from './lib/proc.mjs'
import { fmt, median } from './lib/stats.mjs'

function health (port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/emulator/v1/health', agent: false, timeout: 1000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => { req.destroy(); resolve(false) })
  })
}

async function once (tmp, name, script, args, port) {
  const t0 = performance.now()
  const child = spawnNode(script, args, { logFile: join(tmp, `${name}.log`) })
  try {
    const deadline = t0 + 20_000
    while (performance.now() < deadline) {
      if (await health(port)) return (performance.now() - t0) / 1000
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}); see ${child.logFile}`)
      await sleep(5)
    }
    throw new Error(`${name} did not answer within 20 s`)
  } finally {
    await stopChild(child)
  }
}

export async function run (ctx) {
  const tmp = join(ctx.tmp, 'startup')
  mkdirSync(tmp, { recursive: true })
  const runs = ctx.quick ? 3 : 9
  const variants = {
    'camera --no-sim': async (port, i) => once(tmp, 'camera-no-sim', CAMERA_CLI, ['--no-sim', '--port', String(port), '--state-dir', join(tmp, `state-a${i}`)], port),
    'camera with built-in simulator': async (port, i) => once(tmp, 'camera-sim', CAMERA_CLI, ['--port', String(port), '--sim-port', '0', '--sim-rtsp-port', '0', '--scenario', 'fifty-tracks', '--state-dir', join(tmp, `state-b${i}`)], port),
    'baseline: bare Fastify': async (port) => once(tmp, 'bare-fastify', join(ROOT, 'bench', 'servers', 'bare-fastify.mjs'), [String(port)], port)
  }
  const res = Object.fromEntries(Object.keys(variants).map((k) => [k, []]))
  ctx.say(`startup: ${runs} runs of each variant`)
  const warm = ctx.quick ? 0 : 1 // a first round that only warms the file cache
  for (let i = 0; i < runs + warm; i++) {
    for (const [name, fn] of Object.entries(variants)) {
      const s = await fn(await freePort(), i)
      if (i >= warm) res[name].push(s)
    }
  }
  const m = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, median(v)]))
  const base = m['baseline: bare Fastify']
  ctx.bench({ name: 'startup-camera-no-sim', metric: 'seconds', value: m['camera --no-sim'], baseline: base, better: 'lower', absTarget: { max: 0.5, unit: 's' } })
  ctx.bench({ name: 'startup-camera-with-sim', metric: 'seconds', value: m['camera with built-in simulator'], baseline: base, better: 'lower', absTarget: { max: 0.5, unit: 's' } })
  ctx.table('Startup: process start → first answered request',
    ['variant', 'median s', 'ratio to baseline', 'runs (s)'],
    Object.entries(res).map(([k, v]) => [k, `**${fmt(m[k])}**`, `${(m[k] / base).toFixed(2)}×`, v.map((x) => x.toFixed(3)).join(', ')]),
    'Target: ≤ 0.5 s. Polling every 5 ms with GET /emulator/v1/health; the time includes Node\'s own start.')
}
