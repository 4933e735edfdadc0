/**
 * Stream failures (radar-link.md §1 "stream" row) with the simulator's
 * faults, the radar going away and coming back, and slow answers.
 */
import t from 'tap'
import { runLink, startSim, until } from './sim-helper.js'

t.test('stall-after → transfer-failed "no frame for 5 s" with the default 5 s bound', async (t) => {
  const sim = await startSim({ faults: ['stall-after:300ms'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` }, { deps: { timeouts: { backoffInitialMs: 100, backoffMaxMs: 400 } } })
  t.teardown(() => link.stop())
  await link.waitState('ok', 5000)
  await until(() => link.sink.frames.length > 0, 2000, 'a frame')
  const r = await link.waitState('transfer-failed', 9000)
  const lastFrame = link.sink.frames[link.sink.frames.length - 1].receivedMs
  const after = Date.now() - lastFrame
  t.equal(r.cause, 'no frame for 5 s')
  t.ok(after >= 4900 && after <= 6500, `failed ${after} ms after the last frame`)
  t.equal(link.sink.downs[0], 'no frame for 5 s', 'radarDown with the cause')
})

t.test('malformed-xml → transfer-failed', async (t) => {
  const sim = await startSim({ faults: ['malformed-xml'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  const r = await link.waitState('transfer-failed')
  t.match(r.cause, /^malformed frame: not well-formed XML/)
  t.same(link.sink.ups, [], 'never up: no frame was parsed')
})

t.test('malformed-xml-after → ok, then transfer-failed', async (t) => {
  const sim = await startSim({ faults: ['malformed-xml-after:300ms'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  await link.waitState('ok')
  t.match((await link.waitState('transfer-failed')).cause, /^malformed frame/)
  t.equal(link.sink.ups.length, 1)
  t.match(link.sink.downs[0], /^malformed frame/)
})

t.test('rtsp-5xx → transfer-failed with the RTSP status', async (t) => {
  const sim = await startSim({ faults: ['rtsp-5xx'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  t.equal((await link.waitState('transfer-failed')).cause, '503 Service Unavailable from RTSP DESCRIBE')
  sim.faults.set(['rtsp-5xx:500'])
  t.equal((await link.waitState('transfer-failed', 3000, /500/)).cause, '500 Internal Server Error from RTSP DESCRIBE')
  sim.faults.clear()
  await link.waitState('ok', 3000)
})

t.test('drop-after → transfer-failed, then back to ok by itself', async (t) => {
  const sim = await startSim({ faults: ['drop-after:300ms'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  await link.waitState('ok')
  t.match((await link.waitState('transfer-failed')).cause, /^RTSP (connection closed by 127\.0\.0\.1:\d+|ECONNRESET)/)
  await link.waitState('ok', 3000)
  t.ok(link.sink.ups.length >= 2 && link.sink.downs.length >= 1)
})

t.test('latency:200ms → still ok', async (t) => {
  const sim = await startSim({ faults: ['latency:200ms'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  await link.waitState('ok', 6000)
})

t.test('the radar stops and restarts on the same ports → back to ok without touching the camera', async (t) => {
  let sim = await startSim()
  const ports = { httpPort: sim.httpPort, rtspPort: sim.rtspPort }
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${ports.httpPort}` })
  t.teardown(() => link.stop())
  await link.waitState('ok')
  await sim.close()
  const down = await link.waitState('transfer-failed', 3000)
  t.match(down.cause, /^RTSP /)
  t.equal((await link.waitState('connect-failed', 3000)).cause, `ECONNREFUSED 127.0.0.1:${ports.httpPort}`)
  sim = await startSim(ports)
  await link.waitState('ok', 3000)
  t.equal(link.sink.ups.length, 2)
})
