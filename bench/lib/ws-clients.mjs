/**
 * The parent side of the WebSocket load: `procs` generator processes
 * (ws-load.mjs) sharing N clients, and their merged figures.
 */
import { join } from 'node:path'
import { forkHelper, ipc, stopChild, ROOT } from './proc.mjs'
import { LatencyHistogram } from './stats.mjs'
import { ROOT_AUTH } from './vapix.mjs'

export const SCENE_SUBSCRIBE = { apiVersion: '1.0', method: 'analytics-scene-description:configure', params: { channelFilter: ['1'] } }
export const DATA_STREAM = '/vapix/ws-data-stream?sources=analytics-scene-description'

export class ClientGroup {
  constructor (tmp, name, procs = 2) {
    this.workers = []
    for (let i = 0; i < procs; i++) {
      const child = forkHelper(join(ROOT, 'bench', 'lib', 'ws-load.mjs'), [], { logFile: join(tmp, `${name}-clients-${i}.log`), files: 4096 })
      this.workers.push({ child, call: ipc(child) })
    }
  }

  /** Connects `n` clients (split over the processes) and waits until each has had a frame. */
  async connect (port, n, { path = DATA_STREAM, auth = ROOT_AUTH, subscribe = SCENE_SUBSCRIBE, readyMs = 20_000 } = {}) {
    const per = this.workers.map((_, i) => Math.floor(n / this.workers.length) + (i < n % this.workers.length ? 1 : 0))
    const rs = await Promise.all(this.workers.map((w, i) => per[i] > 0 ? w.call('connect', { host: '127.0.0.1', port, path, auth, subscribe, count: per[i] }) : { connected: 0, failed: 0, errors: {} }))
    const failed = rs.reduce((a, r) => a + r.failed, 0)
    if (failed > 0) throw new Error(`${failed} of ${n} WebSocket clients failed to connect: ${JSON.stringify(rs.map((r) => r.errors))}`)
    const ready = await Promise.all(this.workers.map((w) => w.call('ready', { timeoutMs: readyMs })))
    const ok = ready.reduce((a, r) => a + r.ready, 0)
    if (ok < n) throw new Error(`only ${ok} of ${n} clients received a frame within ${readyMs} ms`)
  }

  async start () { await Promise.all(this.workers.map((w) => w.call('start'))) }

  /** Frames received since start(), latency histogram, closes. */
  async stop () {
    const rs = await Promise.all(this.workers.map((w) => w.call('stop')))
    const hist = new LatencyHistogram()
    for (const r of rs) hist.merge({ ...r.hist, buckets: new Map(r.hist.buckets) })
    const closeCodes = {}
    for (const r of rs) for (const [k, v] of Object.entries(r.closeCodes)) closeCodes[k] = (closeCodes[k] ?? 0) + v
    return {
      frames: rs.reduce((a, r) => a + r.frames, 0),
      others: rs.reduce((a, r) => a + r.others, 0),
      closes: rs.reduce((a, r) => a + r.closes, 0),
      open: rs.reduce((a, r) => a + r.open, 0),
      closeCodes,
      hist
    }
  }

  async status () {
    const rs = await Promise.all(this.workers.map((w) => w.call('status')))
    return { closes: rs.reduce((a, r) => a + r.closes, 0), open: rs.reduce((a, r) => a + r.open, 0) }
  }

  async pause () { await Promise.all(this.workers.map((w) => w.call('pause'))) }
  async resume () { await Promise.all(this.workers.map((w) => w.call('resume'))) }

  async close () {
    await Promise.all(this.workers.map(async (w) => {
      try { await w.call('close', {}, 5000) } catch { /* already gone */ }
      await stopChild(w.child, 2000)
    }))
  }
}
