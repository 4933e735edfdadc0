import t from 'tap'
import { startRadarSimulator, type RadarSimulator, type RadarSimulatorOptions } from '../../src/radar-sim/radar.js'
import { basicAuthorization } from '../../src/vapix/digest.js'
import { httpRequest, jsonCall, selfSigned, testLoader } from './helpers.js'

type Teardown = { teardown: (fn: () => unknown) => void }

async function radar (t: Teardown, extra: Partial<RadarSimulatorOptions> = {}): Promise<RadarSimulator> {
  const r = await startRadarSimulator({ loadScene: testLoader, scenario: 'one', ...extra })
  t.teardown(() => r.close())
  return r
}

const call = async (r: RadarSimulator, method: string, params?: unknown, port = r.httpPort): Promise<any> =>
  (await jsonCall(port, '/radar-sim/control', { apiVersion: '1.0', method, ...(params !== undefined ? { params } : {}) })).json

t.test('authentication: admin with Digest; Basic only over HTTPS', async (t) => {
  const r = await radar(t, { tls: await selfSigned(), user: 'admin', password: 'secret' })
  const body = JSON.stringify({ apiVersion: '1.0', method: 'getFaults' })
  const anon = await httpRequest({ port: r.httpPort, path: '/radar-sim/control', method: 'POST', body })
  t.equal(anon.status, 401)
  t.equal(JSON.parse(anon.body).error.code, 2106)
  const basicPlain = await httpRequest({ port: r.httpPort, path: '/radar-sim/control', method: 'POST', body, headers: { authorization: basicAuthorization('admin', 'secret') } })
  t.equal(basicPlain.status, 401)
  const basicTls = await httpRequest({ port: r.httpsPort as number, tls: true, path: '/radar-sim/control', method: 'POST', body, headers: { authorization: basicAuthorization('admin', 'secret') } })
  t.equal(basicTls.status, 200)
  t.same(JSON.parse(basicTls.body).data, { faults: [] })
  const wrong = await jsonCall(r.httpPort, '/radar-sim/control', { apiVersion: '1.0', method: 'getFaults' }, { user: 'admin', password: 'nope' })
  t.equal(wrong.status, 401)
  const good = await jsonCall(r.httpPort, '/radar-sim/control', { apiVersion: '1.0', method: 'getFaults' }, { user: 'admin', password: 'secret' })
  t.equal(good.status, 200)
  const get = await httpRequest({ port: r.httpPort, path: '/radar-sim/control' })
  t.equal(get.status, 405)
})

t.test('faults: set, add, get, clear; bad specs change nothing', async (t) => {
  const r = await radar(t)
  t.same((await call(r, 'setFaults', { faults: ['stall-after:3s', 'latency:5ms'] })).data, { faults: ['stall-after:3s', 'latency:5ms'] })
  t.same(r.faults.specs(), ['stall-after:3s', 'latency:5ms'])
  t.same((await call(r, 'addFaults', { faults: ['stall-after:1s', 'rtsp-5xx'] })).data, { faults: ['stall-after:1s', 'rtsp-5xx', 'latency:5ms'] })
  t.same((await call(r, 'getFaults')).data, { faults: ['stall-after:1s', 'rtsp-5xx', 'latency:5ms'] })
  const bad = await call(r, 'setFaults', { faults: ['refuse', 'x'] })
  t.equal(bad.error.code, 9101)
  t.match(bad.error.message, /^Invalid fault specification\. unknown fault "x"; expected one of refuse, reject-auth/)
  t.same(r.faults.specs(), ['stall-after:1s', 'rtsp-5xx', 'latency:5ms'], 'unchanged')
  t.equal((await call(r, 'setFaults', {})).error.code, 2103)
  t.equal((await call(r, 'setFaults', { faults: 'refuse' })).error.code, 2104)
  t.same((await call(r, 'clearFaults')).data, { faults: [] })
  t.equal(r.faults.size, 0)
  t.equal((await call(r, 'fly')).error.code, 2102)
})

t.test('setScenario and getStatus', async (t) => {
  const r = await radar(t, { seed: 7 })
  const status = (await call(r, 'getStatus')).data
  t.match(status, { scenario: 'one', seed: 7, rate: 10, serial: 'ACCC8E0D2210', faults: [], streaming: false, rtsp: { connections: 0, playing: 0, framesSent: 0, sessions: [] } })
  t.same((await call(r, 'setScenario', { scenario: 'empty' })).data, { scenario: 'empty', seed: 7 })
  t.same((await call(r, 'setScenario', { scenario: 'big:3', seed: 9 })).data, { scenario: 'big:3', seed: 9 })
  t.equal(r.status().scenario, 'big:3')
  const bad = await call(r, 'setScenario', { scenario: 'nope' })
  t.equal(bad.error.code, 9102)
  t.match(bad.error.message, /no test scenario "nope"/)
  t.equal(r.status().scenario, 'big:3', 'the old scene stays')
})

t.test('a separate control port stays reachable under refuse', async (t) => {
  const r = await radar(t, { controlPort: 0, faults: ['refuse'] })
  t.ok(r.controlPort)
  await t.rejects(httpRequest({ port: r.httpPort, path: '/' }))
  const res = await call(r, 'clearFaults', undefined, r.controlPort)
  t.same(res.data, { faults: [] })
  const ok = await httpRequest({ port: r.httpPort, path: '/nothing' })
  t.equal(ok.status, 404)
  const other = await httpRequest({ port: r.controlPort as number, path: '/axis-cgi/param.cgi?action=list' })
  t.equal(other.status, 404, 'only the control endpoint there')
})
