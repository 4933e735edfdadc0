/**
 * Property-based tests (fast-check): whatever a client sends, the CGI answers
 * in the VAPIX envelope with a documented code, never a 5xx, never changes a
 * prototype, and keeps answering normally afterwards.
 */
import t from 'tap'
import fc from 'fast-check'
import { buildTestCamera, ROOT } from '../helper.js'

const DOCUMENTED = new Map<number, number[]>([
  [200, [2100, 2102, 2103, 2104, 2200, 2201, 2202]],
  [400, [2101]],
  [411, [2107]],
  [413, [2107]]
])

const METHODS = ['getRadarConnection', 'setRadarConnection', 'clearConfiguration', 'getActive', 'setActive', 'getSupportedVersions']
const KEYS = ['apiVersion', 'context', 'method', 'params', 'address', 'user', 'password', 'tls', 'tls-verify', 'active', 'state', '__proto__', 'constructor', 'prototype', 'toString']

/** JSON values biased towards the API's own members. */
const jsonish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', '1.0', '2.0', '1', 'a'.repeat(70), ...METHODS),
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 6 })
  )
})).value

const envelope = fc.record({
  apiVersion: fc.oneof(fc.constant('1.0'), jsonish),
  context: fc.option(jsonish, { nil: undefined }),
  method: fc.oneof(fc.constantFrom(...METHODS), jsonish),
  params: fc.option(fc.oneof(jsonish, fc.dictionary(fc.constantFrom(...KEYS), jsonish, { maxKeys: 6 })), { nil: undefined })
}, { requiredKeys: [] })

function checkAnswer (status: number, body: string): void {
  if (status >= 500) throw new Error(`5xx: ${status} ${body}`)
  const j = JSON.parse(body)
  const codes = DOCUMENTED.get(status)
  if (status === 200 && 'data' in j) {
    if ('error' in j) throw new Error('data and error together')
    return
  }
  if (codes === undefined || !codes.includes(j.error?.code)) throw new Error(`undocumented answer ${status} ${body}`)
  if (typeof j.apiVersion !== 'string') throw new Error('no apiVersion')
}

t.test('any envelope, any JSON shape', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).join()
  await fc.assert(fc.asyncProperty(envelope, async (body) => {
    const r = await c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: { authorization: ROOT }, payload: JSON.stringify(body) })
    checkAnswer(r.statusCode, r.body)
    // The camera is never left active: keep the next run's preconditions varied but sane.
    if (c.app.camera.pairing.active) await c.app.camera.pairing.setActive(false)
  }), { numRuns: 1500, seed: 20261125 })
  t.equal(Object.getOwnPropertyNames(Object.prototype).join(), protoBefore, 'Object.prototype untouched')
  t.equal(({} as Record<string, unknown>).polluted, undefined)
  const r = await c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: { authorization: ROOT }, payload: { apiVersion: '1.0', method: 'getSupportedVersions' } })
  t.same(r.json().data, { apiVersions: ['1.0'] }, 'still answers normally')
})

t.test('any bytes, any Content-Type', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const bodies = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
    fc.constantFrom('{"__proto__":{"polluted":1},"apiVersion":"1.0","method":"getActive"}', '{"constructor":{"prototype":{"polluted":1}}}',
      '['.repeat(5000) + ']'.repeat(5000), '{"a":' .repeat(3000) + '1' + '}'.repeat(3000), '\uFEFF{}', '{"apiVersion":"1.0","method":"getActive","params":{"__proto__":{"x":1}}}')
  )
  const types = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'garbage/////')
  await fc.assert(fc.asyncProperty(bodies, types, async (payload, type) => {
    const r = await c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: { authorization: ROOT, ...(type ? { 'content-type': type } : {}) }, payload })
    checkAnswer(r.statusCode, r.body)
  }), { numRuns: 1000, seed: 7 })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
  t.equal(({} as Record<string, unknown>).x, undefined)
})

t.test('deep nesting and huge strings', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const deep = '{"apiVersion":"1.0","method":"setRadarConnection","params":' + '{"a":'.repeat(10000) + '1' + '}'.repeat(10000) + '}'
  let r = await c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: { authorization: ROOT }, payload: deep })
  t.equal(r.statusCode, 200)
  t.equal(r.json().error.code, 2104)
  r = await c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: { authorization: ROOT }, payload: JSON.stringify({ apiVersion: '1.0', method: 'setRadarConnection', params: { address: 'a'.repeat(60000), user: 'u', password: 'p' } }) })
  t.equal(r.json().error.code, 2104)
})
