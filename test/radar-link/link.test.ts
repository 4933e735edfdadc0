/**
 * The radar link against the project's radar simulator over real loopback
 * sockets: every state on purpose, frames to the sink, retries.
 */
import { rm } from 'node:fs/promises'
import t from 'tap'
import { buildCamera } from '../../src/camera/build.js'
import { createLogger } from '../../src/common/logger.js'
import { UserStore, DEFAULT_USERS } from '../../src/vapix/users.js'
import { NOT_A_RADAR } from '../../src/radar-link/vapix-steps.js'
import { tempDir } from '../helper.js'
import { closedPort, runLink, startSim, TEST_PROPERTIES, until } from './sim-helper.js'

t.test('a working radar: ok, frames with objects and ended tracks, radarUp/radarDown, TEARDOWN on stop', async (t) => {
  const sim = await startSim()
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  const ok = await link.waitState('ok', 5000)
  t.same(ok, { state: 'ok' })
  t.equal(link.sink.ups.length, 1)
  t.match(link.sink.ups[0], TEST_PROPERTIES)
  await until(() => link.sink.frames.some((f) => f.ended.includes('2')), 5000, 'object 2 to end')
  const frames = link.sink.frames
  t.same(frames[0].objects.map((o) => o.id), ['1', '2'])
  t.equal(frames[0].objects[0].class, 'Human')
  t.ok(Number.isFinite(frames[0].timeMs) && Math.abs(frames[0].timeMs - Date.now()) < 60_000, 'frame time is the radar clock')
  t.ok(frames[0].receivedMs > 0)
  t.equal(sim.status().rtsp.playing, 1)
  t.same(link.reports.states(), ['ok'], 'one report: ok')
  const t0 = Date.now()
  await link.stop()
  t.ok(Date.now() - t0 < 500, 'stop is quick')
  t.same(link.sink.downs, ['radar link stopped'])
  await until(() => sim.status().rtsp.connections === 0, 2000, 'the simulator to see the connection closed')
  t.equal(sim.status().rtsp.sessions.length, 0, 'session torn down')
  const n = link.sink.frames.length
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.equal(link.sink.frames.length, n, 'no frame after stop')
  t.same(link.reports.states(), ['ok'], 'no report after stop')
})

t.test('wrong password → authentication-failed (401 from param.cgi), then retried', async (t) => {
  const sim = await startSim()
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}`, password: 'wrong' })
  t.teardown(() => link.stop())
  const r = await link.waitState('authentication-failed')
  t.equal(r.cause, '401 from param.cgi')
  await link.waitState('authentication-failed', 2000)
  t.same(link.sink.ups, [])
})

t.test("the simulator's reject-auth fault → authentication-failed; clearing it → ok", async (t) => {
  const sim = await startSim({ faults: ['reject-auth'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  t.equal((await link.waitState('authentication-failed')).cause, '401 from param.cgi')
  sim.faults.clear()
  await link.waitState('ok', 5000)
})

t.test('nothing listening → connect-failed ECONNREFUSED', async (t) => {
  const port = await closedPort()
  const link = runLink({ address: `127.0.0.1:${port}` })
  t.teardown(() => link.stop())
  t.equal((await link.waitState('connect-failed')).cause, `ECONNREFUSED 127.0.0.1:${port}`)
})

t.test("the simulator's refuse fault → connect-failed", async (t) => {
  const sim = await startSim({ faults: ['refuse'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  const r = await link.waitState('connect-failed')
  t.comment(r.cause)
  t.match(r.cause, /^(ECONNRESET|EPIPE) 127\.0\.0\.1:\d+/)
})

t.test('radar.invalid → address-failed', async (t) => {
  const link = runLink({ address: 'radar.invalid' })
  t.teardown(() => link.stop())
  t.equal((await link.waitState('address-failed')).cause, 'radar.invalid: name not found (ENOTFOUND)')
  const viaLookup = runLink({ address: 'radar.example:8080' }, {
    deps: { lookup: async () => { throw Object.assign(new Error('getaddrinfo ENOTFOUND radar.example'), { code: 'ENOTFOUND' }) } }
  })
  t.teardown(() => viaLookup.stop())
  t.equal((await viaLookup.waitState('address-failed')).cause, 'radar.example: name not found (ENOTFOUND)')
})

t.test('a host name is resolved and connected (localhost)', async (t) => {
  const sim = await startSim()
  t.teardown(() => sim.close())
  const link = runLink({ address: `localhost:${sim.httpPort}` })
  t.teardown(() => link.stop())
  await link.waitState('ok', 5000)
})

t.test('a device that is not a radar (the camera itself) → failed', async (t) => {
  const stateDir = await tempDir()
  const camera = await buildCamera({
    serial: 'ACCC8E123456',
    profile: '2025-08',
    users: new UserStore(DEFAULT_USERS),
    linkFactory: () => () => ({ stop: async () => {} }),
    logger: createLogger({ level: 'silent' }),
    stateDir
  })
  await camera.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => {
    await camera.close()
    await rm(stateDir, { recursive: true, force: true })
  })
  const port = (camera.server.address() as { port: number }).port
  const link = runLink({ address: `127.0.0.1:${port}`, user: 'root', password: 'pass' })
  t.teardown(() => link.stop())
  const r = await link.waitState('failed')
  t.equal(r.cause, '404 from param.cgi')
})

t.test("the simulator's not-a-radar fault → failed", async (t) => {
  const sim = await startSim({ faults: ['not-a-radar'] })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` })
  t.teardown(() => link.stop())
  t.equal((await link.waitState('failed')).cause, NOT_A_RADAR)
})
