/**
 * Logs: state changes and causes, never per frame, never the password or an
 * Authorization header. Keep-alive: a short session timeout does not end a
 * healthy session.
 */
import t from 'tap'
import { Writable } from 'node:stream'
import { createLogger } from '../../src/common/logger.js'
import { runLink, startSim, until } from './sim-helper.js'

const SECRET = 'S3cret-Pw-xyz'

t.test('logs carry states and causes, no secrets, nothing per frame', async (t) => {
  const sim = await startSim({ password: SECRET, rate: 50 })
  t.teardown(() => sim.close())
  const lines: string[] = []
  const destination = new Writable({ write (chunk: Buffer, _enc, cb) { lines.push(...chunk.toString().split('\n').filter((l) => l !== '')); cb() } })
  const log = createLogger({ level: 'debug', destination })

  const wrong = runLink({ address: `127.0.0.1:${sim.httpPort}`, password: `${SECRET}-wrong` }, { deps: { log } })
  await wrong.waitState('authentication-failed')
  await wrong.waitState('authentication-failed')
  await wrong.stop()

  const good = runLink({ address: `127.0.0.1:${sim.httpPort}`, password: SECRET }, { deps: { log } })
  await good.waitState('ok')
  await until(() => good.sink.frames.length >= 50, 5000, '50 frames')
  await good.stop()

  const all = lines.join('\n')
  t.notOk(all.includes(SECRET), 'no password')
  t.notOk(/authorization|digest |basic |response=|nonce/i.test(all), 'no Authorization header or Digest parameters')
  const records = lines.map((l) => JSON.parse(l) as { level: number, msg: string, state?: string, cause?: string, user?: string })
  const warn = records.find((r) => r.level === 40)
  t.match(warn, { msg: 'radar link failed', state: 'authentication-failed', cause: '401 from param.cgi', user: 'root' })
  t.equal(records.filter((r) => r.msg === 'radar link failed').length, 1, 'a repeated failure is logged at warn once')
  t.ok(records.some((r) => r.level === 30 && r.msg === 'radar link up: frames are flowing'))
  t.ok(records.length <= 10, `a handful of lines for ${good.sink.frames.length} frames (${records.length})`)
})

t.test('keep-alive keeps a session with a 1 s timeout going', async (t) => {
  const sim = await startSim({ sessionTimeoutMs: 1000 })
  t.teardown(() => sim.close())
  const link = runLink({ address: `127.0.0.1:${sim.httpPort}` }, { deps: { timeouts: { frameMs: 5000 } } })
  t.teardown(() => link.stop())
  await link.waitState('ok')
  const id = sim.status().rtsp.sessions[0]?.id
  await new Promise((resolve) => setTimeout(resolve, 2500))
  t.same(link.reports.states(), ['ok'], 'no failure')
  t.equal(sim.status().rtsp.sessions[0]?.id, id, 'the same session')
})
