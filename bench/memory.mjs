/**
 * 4. Memory under stalled clients: 100 WebSocket clients subscribed to
 * analytics-scene-description stop reading (their sockets are paused, so
 * the kernel buffers fill and the server's own buffers take the rest) for
 * 60 s (30 s with --quick), at the simulator's highest rate (100 Hz, the
 * worst case for buffering). Reported: the server's RSS growth from just
 * before the stall to its peak during the stall (sampled every 250 ms).
 * Server under test: the camera paired with the standalone simulator.
 * Baseline: the bare ws broadcaster (same bytes, same rate, same guard of
 * 512 KiB per client) with its own 100 stalled clients, run side by side
 * with the camera. Target: ≤ 32 MB.
 */
import { join } from 'node:path'
import { mkdirSync } from 'node:fs'
import { rssBytes, sleep, stopChild } from './lib/proc.mjs'
import { ClientGroup } from './lib/ws-clients.mjs'
import { startBareWs, startCamera, startSim } from './lib/servers.mjs'
import { pair, waitState } from './lib/vapix.mjs'
import { fmt } from './lib/stats.mjs'

const CLIENTS = 100
const RATE = 100
const MB = 1024 * 1024

async function stall (ctx, pid, group, stallMs) {
  await sleep(ctx.quick ? 1000 : 5000) // reading normally: steady state
  const before = rssBytes(pid)
  await group.pause()
  let peak = before
  const t0 = Date.now()
  while (Date.now() - t0 < stallMs) {
    await sleep(250)
    peak = Math.max(peak, rssBytes(pid))
  }
  const end = rssBytes(pid)
  const status = await group.status()
  await group.resume()
  await sleep(1000)
  const after = await group.status()
  return { before, peak, end, growth: (peak - before) / MB, endGrowth: (end - before) / MB, openAtEnd: status.open, closedBy: after.closes }
}

export async function run (ctx) {
  const tmp = join(ctx.tmp, 'memory')
  mkdirSync(tmp, { recursive: true })
  const stallMs = ctx.quick ? 30_000 : 60_000
  const stop = []
  // The camera and the baseline run side by side (each with its own 100
  // clients): with every client stalled both are nearly idle, and RSS does
  // not depend on CPU share; this halves the benchmark's duration.
  const cameraSide = async () => {
    const sim = await startSim(tmp, RATE)
    stop.push(() => stopChild(sim.child))
    const camera = await startCamera(tmp, 'memory', ['--no-sim'])
    stop.push(() => stopChild(camera.child))
    await pair(camera.port, sim.address)
    await waitState(camera.port, 'ok')
    const group = new ClientGroup(tmp, 'memory-camera')
    stop.push(() => group.close())
    await group.connect(camera.port, CLIENTS)
    return { pid: camera.pid, group }
  }
  const bareSide = async () => {
    const bare = await startBareWs(tmp, 'memory-bare-ws')
    stop.push(() => stopChild(bare.child))
    await bare.setRate(RATE)
    const group = new ClientGroup(tmp, 'memory-bare')
    stop.push(() => group.close())
    await group.connect(bare.port, CLIENTS)
    return { pid: bare.pid, group }
  }
  const res = {}
  try {
    const [cam, base] = await Promise.all([cameraSide(), bareSide()])
    ctx.say(`memory: camera and bare ws baseline, ${CLIENTS} clients each stalled for ${stallMs / 1000} s at ${RATE} Hz`)
    ;[res.camera, res.baseline] = await Promise.all([stall(ctx, cam.pid, cam.group, stallMs), stall(ctx, base.pid, base.group, stallMs)])
  } finally {
    for (const f of stop.reverse()) await f()
  }
  ctx.bench({ name: `memory-stalled-${CLIENTS}-clients`, metric: 'rss_growth_mb', value: res.camera.growth, baseline: res.baseline.growth, better: 'lower', absTarget: { max: 32, unit: 'MB' } })
  const row = (r) => [fmt(r.before / MB), fmt(r.peak / MB), `**${fmt(r.growth)}**`, fmt(r.endGrowth), `${r.closedBy} of ${CLIENTS}`]
  ctx.table(`Memory: ${CLIENTS} clients stalled ${stallMs / 1000} s at ${RATE} Hz`,
    ['server', 'RSS before MB', 'peak MB', 'peak growth MB', 'growth at end of stall MB', 'connections closed by the server (seen on resuming)'],
    [['camera', ...row(res.camera)], ['bare ws baseline', ...row(res.baseline)]],
    'Target: camera RSS growth ≤ 32 MB. The camera closes a client that stays over its 512 KiB send bound for more than 10 s (1008); ' +
    'the bare baseline only skips frames for it.')
  return res
}
