import t from 'tap'
import { buildTestCamera, cgi, ROOT, OPERATOR } from '../helper.js'
import type { SimulatorControl, SimulatorStatus } from '../../src/control/simulator-control.js'

const V = '1.0'
const CONN = { address: '10.0.0.9', user: 'radar-user', password: 'Sup3rSecret!' }

t.test('health needs no authentication and reports the pairing state', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  let r = await c.app.inject({ method: 'GET', url: '/emulator/v1/health' })
  t.equal(r.statusCode, 200)
  t.match(r.json(), { status: 'ok', serial: 'ACCC8E123456', profile: '2025-08', state: 'not-configured', active: false })
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  r = await c.app.inject({ method: 'GET', url: '/emulator/v1/health' })
  t.equal(r.json().state, 'not-active')
})

t.test('control endpoints need admin', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  let r = await c.app.inject({ method: 'POST', url: '/emulator/v1/reset' })
  t.equal(r.statusCode, 401)
  t.ok(r.headers['www-authenticate'])
  r = await c.app.inject({ method: 'POST', url: '/emulator/v1/reset', headers: { authorization: OPERATOR } })
  t.equal(r.statusCode, 403)
  t.same(r.json(), { error: { code: 'VAPIX_2105', message: 'Authorization failed.' } })
})

t.test('reset: back to factory state', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: true } })
  await c.app.inject({ method: 'POST', url: '/emulator/v1/faults', headers: { authorization: ROOT }, payload: { method: '*', latencyMs: 1 } })
  const r = await c.app.inject({ method: 'POST', url: '/emulator/v1/reset', headers: { authorization: ROOT } })
  t.same(r.json(), { reset: true })
  t.equal(c.link.stops, 1, 'link down')
  t.same((await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })).json().data, { state: 'not-configured' })
  const j = await c.app.inject({ method: 'GET', url: '/emulator/v1/journal', headers: { authorization: ROOT } })
  t.same(j.json().entries.map((e: { method: string }) => e.method), ['getRadarConnection'], 'journal emptied by reset')
  const f = await c.app.inject({ method: 'GET', url: '/emulator/v1/faults', headers: { authorization: ROOT } })
  t.same(f.json(), { faults: [] })
})

t.test('API faults: next N calls, probability, latency, bad specs', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const add = (payload: object) => c.app.inject({ method: 'POST', url: '/emulator/v1/faults', headers: { authorization: ROOT }, payload })
  let r = await add({ method: 'getRadarConnection', errorCode: 2104, count: 2 })
  t.equal(r.statusCode, 201)
  t.match(r.json(), { id: 1, method: 'getRadarConnection', errorCode: 2104, count: 2, hits: 0 })
  for (let i = 0; i < 2; i++) {
    const a = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
    t.equal(a.json().error.code, 2104)
  }
  t.equal((await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })).json().data.state, 'not-configured', 'fault used up')
  r = await add({ method: 'getActive', errorCode: 1100 })
  const a = await cgi(c.app, { apiVersion: V, method: 'getActive' })
  t.equal(a.statusCode, 500, 'HTTP status from the catalogue')
  t.same(a.json().error, { code: 1100, message: 'Internal error.' })
  r = await c.app.inject({ method: 'DELETE', url: `/emulator/v1/faults/${r.json().id}`, headers: { authorization: ROOT } })
  t.equal(r.statusCode, 204)
  r = await add({ method: 'getActive', errorCode: 2401 })
  t.equal(r.statusCode, 400)
  t.match(r.json().error.message, /catalogue/)
  r = await add({ method: 'getActive' })
  t.equal(r.statusCode, 400)
  r = await add({ method: 'getActive', errorCode: 2104, probability: 2 })
  t.equal(r.statusCode, 400, 'probability out of range')
  r = await add({ method: 'getActive', errorCode: 2104, bogus: 1 })
  t.equal(r.statusCode, 400, 'unknown field')
  r = await add({ method: 'getSupportedVersions', errorCode: 2102, probability: 0 })
  t.equal((await cgi(c.app, { apiVersion: V, method: 'getSupportedVersions' })).json().data.apiVersions[0], '1.0', 'probability 0 never fires')
  r = await add({ method: 'getSupportedVersions', latencyMs: 150 })
  const start = Date.now()
  await cgi(c.app, { apiVersion: V, method: 'getSupportedVersions' })
  t.ok(Date.now() - start >= 140, 'latency added (lower bound only)')
  r = await c.app.inject({ method: 'DELETE', url: '/emulator/v1/faults', headers: { authorization: ROOT } })
  t.equal(r.statusCode, 204)
})

t.test('journal: redacted, filterable, clearable', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  await cgi(c.app, { apiVersion: V, method: 'getActive' }, OPERATOR)
  await cgi(c.app, { apiVersion: V, method: 'nope' })
  const get = (q = '') => c.app.inject({ method: 'GET', url: `/emulator/v1/journal${q}`, headers: { authorization: ROOT } })
  let r = await get()
  t.notOk(r.body.includes('Sup3rSecret!'), 'password never in the journal')
  const entries = r.json().entries
  t.equal(entries.length, 3)
  t.match(entries[0], { seq: 1, api: '/networkradarpairing.cgi', user: 'root', method: 'setRadarConnection', params: { address: '10.0.0.9', user: 'radar-user', password: '[redacted]' }, httpStatus: 200 })
  t.match(entries[1], { user: 'operator', method: 'getActive', httpStatus: 200 })
  t.notOk('errorCode' in entries[1])
  t.match(entries[2], { method: 'nope', errorCode: 2102 })
  r = await get('?user=operator')
  t.equal(r.json().entries.length, 1)
  r = await get('?errorCode=2102')
  t.same(r.json().entries.map((e: { method: string }) => e.method), ['nope'])
  r = await get('?after=2')
  t.equal(r.json().entries.length, 1)
  r = await get('?limit=0')
  t.equal(r.statusCode, 400)
  r = await c.app.inject({ method: 'DELETE', url: '/emulator/v1/journal', headers: { authorization: ROOT } })
  t.equal(r.statusCode, 204)
  t.same((await get()).json().entries, [])
})

t.test('radar-sim control: 404 without simulator; delegated with one', async (t) => {
  let c = await buildTestCamera()
  let r = await c.app.inject({ method: 'GET', url: '/emulator/v1/radar-sim', headers: { authorization: ROOT } })
  t.equal(r.statusCode, 404)
  t.equal(r.json().error.code, 'NO_SIMULATOR')
  await c.close()
  const calls: string[] = []
  const status: SimulatorStatus = { running: true, httpPort: 1, rtspPort: 2, user: 'root', scenario: 'default', seed: 1, faults: [] }
  const sim: SimulatorControl = {
    status: () => ({ ...status }),
    setScenario: async (s, seed) => { if (s === 'bad') throw new Error('no scenario "bad"'); calls.push(`scenario ${s} ${seed}`); status.scenario = s },
    setFaults: (f) => { if (f.includes('bogus')) throw new Error('unknown fault "bogus"'); calls.push(`faults ${f.join(',')}`); status.faults = f },
    start: async () => { calls.push('start'); status.running = true },
    stop: async () => { calls.push('stop'); status.running = false }
  }
  c = await buildTestCamera({ simulator: sim })
  t.teardown(c.close)
  const h = { authorization: ROOT }
  r = await c.app.inject({ method: 'PUT', url: '/emulator/v1/radar-sim/scenario', headers: h, payload: { scenario: 'crowd', seed: 7 } })
  t.equal(r.json().scenario, 'crowd')
  r = await c.app.inject({ method: 'PUT', url: '/emulator/v1/radar-sim/scenario', headers: h, payload: { scenario: 'bad' } })
  t.equal(r.statusCode, 400)
  t.match(r.json().error.message, /bad/)
  r = await c.app.inject({ method: 'PUT', url: '/emulator/v1/radar-sim/faults', headers: h, payload: { faults: ['stall-after:3s'] } })
  t.same(r.json().faults, ['stall-after:3s'])
  r = await c.app.inject({ method: 'PUT', url: '/emulator/v1/radar-sim/faults', headers: h, payload: { faults: ['bogus'] } })
  t.equal(r.statusCode, 400)
  r = await c.app.inject({ method: 'POST', url: '/emulator/v1/radar-sim/stop', headers: h })
  t.equal(r.json().running, false)
  r = await c.app.inject({ method: 'POST', url: '/emulator/v1/radar-sim/start', headers: h })
  t.equal(r.json().running, true)
  await c.app.inject({ method: 'POST', url: '/emulator/v1/reset', headers: h })
  t.same(calls, ['scenario crowd 7', 'faults stall-after:3s', 'start'.replace('start', 'stop'), 'start', 'faults '])
})

t.test('OpenAPI document describes the control API', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const r = await c.app.inject({ method: 'GET', url: '/emulator/v1/openapi.json', headers: { authorization: ROOT } })
  t.equal(r.statusCode, 200)
  const doc = r.json()
  t.equal(doc.openapi.slice(0, 2), '3.')
  for (const p of ['/emulator/v1/health', '/emulator/v1/reset', '/emulator/v1/faults', '/emulator/v1/journal', '/emulator/v1/radar-sim/scenario']) t.ok(doc.paths[p], p)
  t.notOk(doc.paths['/networkradarpairing.cgi'], 'camera API not in the emulator document')
})
