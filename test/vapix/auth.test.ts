import t from 'tap'
import { buildTestCamera, cgi, challengeParams, digestHeader, REALM, basic } from '../helper.js'

const body = JSON.stringify({ apiVersion: '1.0', method: 'getRadarConnection' })
const url = '/networkradarpairing.cgi'

async function challenge (app: Awaited<ReturnType<typeof buildTestCamera>>['app']) {
  const r = await app.inject({ method: 'POST', url, payload: body })
  return challengeParams((r.headers['www-authenticate'] as string[])[0])
}

t.test('Digest end to end through the camera', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const { nonce, realm } = await challenge(c.app)
  t.equal(realm, REALM)
  const auth = (nc: number, user = 'operator', password = 'operator') =>
    digestHeader({ user, password, realm, nonce, method: 'POST', uri: url, nc })
  let r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: auth(1) } })
  t.equal(r.statusCode, 200)
  t.equal(r.json().data.state, 'not-configured')
  r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: auth(1) } })
  t.equal(r.statusCode, 401, 'replayed nonce count refused')
  t.equal(r.json().error.code, 2106)
  r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: auth(2) } })
  t.equal(r.statusCode, 200, 'next nc accepted')
  r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: auth(3, 'viewer', 'viewer') } })
  t.equal(r.statusCode, 403, 'Digest user without the role')
  t.equal(r.json().error.code, 2105)
  r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: auth(4, 'operator', 'bad') } })
  t.equal(r.statusCode, 401)
  t.notMatch((r.headers['www-authenticate'] as string[])[0], /stale/)
})

t.test('stale nonce answers stale=true; the new nonce works', async (t) => {
  const c = await buildTestCamera({ nonceTtlMs: 50 })
  t.teardown(c.close)
  const { nonce, realm } = await challenge(c.app)
  await new Promise((resolve) => setTimeout(resolve, 120))
  let r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: digestHeader({ user: 'root', password: 'pass', realm, nonce, method: 'POST', uri: url, nc: 1 }) } })
  t.equal(r.statusCode, 401)
  const ch = (r.headers['www-authenticate'] as string[])[0]
  t.match(ch, /stale=true/)
  const fresh = challengeParams(ch).nonce
  r = await c.app.inject({ method: 'POST', url, payload: body, headers: { authorization: digestHeader({ user: 'root', password: 'pass', realm, nonce: fresh, method: 'POST', uri: url, nc: 1 }) } })
  t.equal(r.statusCode, 200)
})

t.test('failed attempts are bounded per client address, other users unaffected', async (t) => {
  const c = await buildTestCamera({ maxAuthFailuresPerMinute: 5 })
  t.teardown(c.close)
  const from = (ip: string, auth: string) => c.app.inject({ method: 'POST', url, payload: body, remoteAddress: ip, headers: { authorization: auth } })
  for (let i = 0; i < 5; i++) t.equal((await from('127.0.0.9', basic('root', `guess${i}`))).statusCode, 401)
  const r = await from('127.0.0.9', basic('root', 'pass'))
  t.equal(r.statusCode, 429, 'the guessing address is slowed down')
  t.equal(r.json().error.code, 2107)
  t.ok(Number(r.headers['retry-after']) > 0)
  t.equal((await from('127.0.0.10', basic('root', 'pass'))).statusCode, 200, 'another address still gets in')
})

t.test('Basic on the camera works over plain HTTP', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const r = await cgi(c.app, { apiVersion: '1.0', method: 'getActive' }, basic('root', 'pass'))
  t.equal(r.json().error.code, 2201)
})
