/**
 * 200 activate/deactivate cycles, stopped at every stage of an attempt,
 * leave no socket, timer or listener behind — in this process (both ends of
 * the loopback connections live here) and as the simulator counts them.
 */
import t from 'tap'
import { createLinkStarter } from '../../src/radar-link/link.js'
import type { PairingConfig } from '../../src/pairing/schema.js'
import { FAST, makeCerts, RADAR_PASSWORD, RADAR_USER, RecordingSink, Reports, SILENT, startSim, until } from './sim-helper.js'

const KINDS = ['TCPSocketWrap', 'TLSWrap', 'Timeout', 'GetAddrInfoReqWrap'] as const

function census (): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(KINDS.map((k) => [k, 0]))
  for (const r of process.getActiveResourcesInfo()) if (r in out) out[r]++
  return out
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

t.test('200 start/stop cycles leak nothing', async (t) => {
  const certs = await makeCerts()
  const sim = await startSim({ tls: { cert: certs.cert, key: certs.key } })
  t.teardown(() => sim.close())
  const warnings: Error[] = []
  const onWarning = (w: Error): void => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })

  const sink = new RecordingSink()
  const starter = createLinkStarter({ sink, log: SILENT, timeouts: FAST, radarCa: certs.ca })
  const plain: PairingConfig = { address: `127.0.0.1:${sim.httpPort}`, user: RADAR_USER, password: RADAR_PASSWORD, tls: false, tlsVerify: false }
  const secure: PairingConfig = { ...plain, address: `127.0.0.1:${sim.httpsPort}`, tls: true, tlsVerify: true }

  await sleep(50)
  const before = census()
  const processListeners = process.eventNames().map((e) => process.listenerCount(e)).reduce((a, b) => a + b, 0)
  let reachedOk = 0
  let maxStopMs = 0
  for (let i = 0; i < 200; i++) {
    const reports = new Reports()
    const handle = starter(i % 4 === 3 ? secure : plain, '2025-08', reports.report)
    if (i % 25 === 0) {
      await until(() => reports.last?.state === 'ok', 5000, `cycle ${i} to reach ok`)
      reachedOk++
    } else if (i % 3 === 1) {
      await sleep(i % 17) // stop somewhere in the HTTP or RTSP steps
    } else if (i % 3 === 2) {
      await new Promise((resolve) => setImmediate(resolve))
    } // else: stop synchronously, before any I/O completed
    const t0 = Date.now()
    await handle.stop()
    maxStopMs = Math.max(maxStopMs, Date.now() - t0)
  }
  t.equal(reachedOk, 8)
  t.ok(maxStopMs < 400, `every stop resolved quickly (max ${maxStopMs} ms)`)
  t.equal(sink.ups.length, sink.downs.length, 'every radarUp has its radarDown')

  await until(() => {
    const now = census()
    return KINDS.every((k) => now[k] <= before[k]) && sim.status().rtsp.connections === 0
  }, 3000, 'sockets and timers to settle').catch(() => {})
  const after = census()
  t.same(after, before, 'no socket, TLS socket, timer or DNS request left in this process')
  t.equal(sim.status().rtsp.connections, 0, 'the simulator sees no RTSP connection')
  t.equal(sim.status().rtsp.sessions.length, 0, 'no RTSP session left on the simulator')
  t.equal(process.eventNames().map((e) => process.listenerCount(e)).reduce((a, b) => a + b, 0), processListeners, 'no process listener added')
  t.same(warnings.map((w) => w.message), [], 'no warnings (e.g. MaxListenersExceeded)')
})
