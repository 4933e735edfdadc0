/**
 * 1. Overlay fan-out (the headline).
 *
 * Server under test: the camera (`dist/cli/camera.js --no-sim`), paired with
 * a standalone radar simulator process playing `fifty-tracks` (50 tracks)
 * at 10 Hz, then at 100 Hz (the simulator's highest rate). N = 10, 100, 1000
 * WebSocket clients (two generator processes) subscribe to
 * analytics-scene-description with Basic auth.
 * Baseline: bench/servers/bare-ws.mjs broadcasting the same bytes at the
 * same rate to the same number of clients, in the same run.
 *
 * Figures per (N, rate) and server: delivered messages/s (counted by the
 * clients), frame latency p50/p99 (radar frame time → last byte read by the
 * client), server CPU per delivery (all threads' CPU time of the server
 * process over the window / deliveries). The camera's CPU with no client at
 * each rate (the link's ingest alone) is measured too, to explain the ratio.
 */
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { cpuNs, sleep, stopChild } from './lib/proc.mjs'
import { ClientGroup } from './lib/ws-clients.mjs'
import { startBareWs, startCamera, startSim } from './lib/servers.mjs'
import { cgi, pair, waitState } from './lib/vapix.mjs'
import { fmt } from './lib/stats.mjs'

export const CLIENTS = [10, 100, 1000]
export const RATES = [10, 100]

async function measure (pid, group, warmMs, windowMs) {
  await sleep(warmMs)
  await group.start()
  const c0 = cpuNs(pid)
  const t0 = performance.now()
  await sleep(windowMs)
  const c1 = cpuNs(pid)
  const t1 = performance.now()
  const r = await group.stop()
  const secs = (t1 - t0) / 1000
  return {
    msgsPerS: r.frames / secs,
    cpuPerDeliveryUs: (c1 - c0) / 1000 / r.frames,
    cpuPct: (c1 - c0) / 1e7 / secs,
    p50: r.hist.quantile(0.5),
    p99: r.hist.quantile(0.99),
    max: r.hist.max,
    closes: r.closes
  }
}

async function cpuAlone (pid, warmMs, windowMs) {
  await sleep(warmMs)
  const c0 = cpuNs(pid)
  const t0 = performance.now()
  await sleep(windowMs)
  return (cpuNs(pid) - c0) / 1e7 / ((performance.now() - t0) / 1000)
}

export async function run (ctx) {
  const tmp = join(ctx.tmp, 'overlay')
  mkdirSync(tmp, { recursive: true })
  const warmMs = ctx.quick ? 400 : 3000
  const windowMs = ctx.quick ? 1200 : 10_000
  const sims = {}
  let camera, bare
  const results = []
  try {
    for (const rate of RATES) sims[rate] = await startSim(tmp, rate)
    camera = await startCamera(tmp, 'overlay')
    bare = await startBareWs(tmp)
    const idle = {}
    for (const n of CLIENTS) {
      const row = { n, camera: {}, baseline: {} }
      // Camera: paired at each rate in turn, the same N clients connected throughout.
      let group
      try {
        for (const [i, rate] of RATES.entries()) {
          await pair(camera.port, sims[rate].address)
          await waitState(camera.port, 'ok')
          if (idle[rate] === undefined) idle[rate] = await cpuAlone(camera.pid, warmMs, windowMs / 2)
          if (i === 0) {
            group = new ClientGroup(tmp, `overlay-camera-${n}`)
            await group.connect(camera.port, n)
          }
          ctx.say(`overlay: camera, ${n} clients, ${rate} Hz`)
          row.camera[rate] = await measure(camera.pid, group, warmMs, windowMs)
        }
      } finally {
        await cgi(camera.port, 'setActive', { active: false }).catch(() => {})
        await group?.close()
      }
      // Baseline: the same N clients on the bare ws server, same rates.
      group = undefined
      try {
        for (const [i, rate] of RATES.entries()) {
          await bare.setRate(rate)
          if (i === 0) {
            group = new ClientGroup(tmp, `overlay-bare-${n}`)
            await group.connect(bare.port, n)
          }
          ctx.say(`overlay: bare ws baseline, ${n} clients, ${rate} Hz`)
          row.baseline[rate] = await measure(bare.pid, group, warmMs, windowMs)
        }
      } finally {
        await bare.setRate(0)
        await group?.close()
      }
      results.push(row)
    }

    const rows = []
    for (const { n, camera: c, baseline: b } of results) {
      for (const rate of RATES) {
        const cam = c[rate]
        const base = b[rate]
        const id = `overlay-n${n}-${rate}hz`
        ctx.bench({ name: `${id}-cpu`, metric: 'cpu_us_per_delivery', value: cam.cpuPerDeliveryUs, baseline: base.cpuPerDeliveryUs, target: 1.2, better: 'lower' })
        ctx.bench({ name: `${id}-msgs`, metric: 'msgs_per_s', value: cam.msgsPerS, baseline: base.msgsPerS, better: 'higher' })
        ctx.bench({
          name: `${id}-p99`, metric: 'p99_ms', value: cam.p99, baseline: base.p99, better: 'lower',
          ...(n === 1000 && rate === 10 ? { absTarget: { max: 50, unit: 'ms' } } : {})
        })
        rows.push([
          `${n}`, `${rate} Hz`,
          `${fmt(cam.msgsPerS)} / ${fmt(base.msgsPerS)} (${fmt(n * rate)})`,
          `${fmt(cam.p50)} / ${fmt(base.p50)}`,
          `${fmt(cam.p99)} / ${fmt(base.p99)}`,
          `${fmt(cam.cpuPerDeliveryUs)} / ${fmt(base.cpuPerDeliveryUs)}`,
          `**${(cam.cpuPerDeliveryUs / base.cpuPerDeliveryUs).toFixed(2)}×**`,
          `${fmt(cam.cpuPct)}% / ${fmt(base.cpuPct)}%`
        ])
      }
    }
    ctx.table('Overlay fan-out (camera / bare ws baseline)',
      ['clients', 'rate', 'delivered msg/s (offered)', 'p50 ms', 'p99 ms', 'CPU µs per delivery', 'CPU ratio', 'server CPU'],
      rows,
      `Camera CPU with no client (link ingest + serialisation skipped): ${RATES.map((r) => `${fmt(idle[r])}% of a core at ${r} Hz`).join(', ')}. ` +
      'Target: CPU per delivery ≤ 1.2× baseline; 1000 clients at 10 Hz p99 ≤ 50 ms.')
    return results
  } finally {
    await stopChild(camera?.child)
    await stopChild(bare?.child)
    for (const s of Object.values(sims)) await stopChild(s.child)
  }
}
