import t from 'tap'
import { buildTestCamera, cgi, ROOT, OPERATOR, VIEWER, basic } from '../../helper.js'

const V = '1.0'
const CONN = { address: '192.168.0.90', user: 'john', password: 'secret' }

t.test('getRadarConnection without configuration: not-configured, context echoed', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const r = await cgi(c.app, { apiVersion: V, context: 'my context', method: 'getRadarConnection' })
  t.equal(r.statusCode, 200)
  t.match(r.headers['content-type'], /application\/json/)
  t.same(r.json(), { apiVersion: V, context: 'my context', method: 'getRadarConnection', data: { state: 'not-configured' } })
})

t.test('the three-step use case: set, activate, read', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  let r = await cgi(c.app, { apiVersion: V, context: 'a', method: 'setRadarConnection', params: { ...CONN, tls: false, 'tls-verify': false, state: 'ok' } })
  t.same(r.json(), { apiVersion: V, context: 'a', method: 'setRadarConnection', data: {} })
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.same(r.json().data, { address: '192.168.0.90', user: 'john', state: 'not-active', tls: false, 'tls-verify': false })
  t.notOk(r.body.includes('secret'), 'password never returned')
  r = await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: true } })
  t.same(r.json().data, {})
  t.equal(c.link.starts.length, 1, 'link started')
  t.equal(c.link.starts[0].password, 'secret')
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.state, 'not-active', 'no radar streaming yet: never ok')
  c.link.report?.({ state: 'connect-failed', cause: 'ECONNREFUSED' })
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.state, 'connect-failed')
  c.link.report?.({ state: 'ok' })
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.state, 'ok')
  r = await cgi(c.app, { apiVersion: V, method: 'getActive' })
  t.same(r.json().data, { active: true })
  // Setting the state it already has succeeds and does not restart the link.
  r = await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: true } })
  t.same(r.json().data, {})
  t.equal(c.link.starts.length, 1)
  r = await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: false } })
  t.equal(c.link.stops, 1, 'link stopped')
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.state, 'not-active')
})

t.test('2200: no change or removal while active', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: true } })
  for (const body of [
    { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, address: '10.0.0.1' } },
    { apiVersion: V, method: 'clearConfiguration' }
  ]) {
    const r = await cgi(c.app, body)
    t.equal(r.statusCode, 200)
    t.same(r.json().error, { code: 2200, message: 'Configuration cannot be changed or removed while enabled.' })
  }
  const r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.address, '192.168.0.90', 'stored configuration unchanged')
})

t.test('2201: getActive and setActive without configuration; clearConfiguration idempotent', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  for (const body of [{ apiVersion: V, method: 'getActive' }, { apiVersion: V, method: 'setActive', params: { active: true } }]) {
    const r = await cgi(c.app, body)
    t.same(r.json().error, { code: 2201, message: 'Missing configuration.' })
  }
  let r = await cgi(c.app, { apiVersion: V, method: 'clearConfiguration' })
  t.same(r.json(), { apiVersion: V, method: 'clearConfiguration', data: {} })
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  r = await cgi(c.app, { apiVersion: V, method: 'clearConfiguration' })
  t.same(r.json().data, {})
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.same(r.json().data, { state: 'not-configured' })
})

t.test('2202: tls-verify without tls is refused and nothing is stored', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  let r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, 'tls-verify': true } })
  t.same(r.json().error, { code: 2202, message: 'Usability test of the configuration failed.' })
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.same(r.json().data, { state: 'not-configured' })
  r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, tls: true, 'tls-verify': true } })
  t.same(r.json().data, {})
})

t.test('parameter validation: 2103 and 2104, stored configuration kept', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  const cases: Array<[unknown, number]> = [
    [{ user: 'a', password: 'b' }, 2103],
    [{ address: '1.2.3.4', password: 'b' }, 2103],
    [{ address: '1.2.3.4', user: 'a' }, 2103],
    [{ ...CONN, password: '' }, 2104],
    [{ ...CONN, password: 'x'.repeat(65) }, 2104],
    [{ ...CONN, address: 'not an address' }, 2104],
    [{ ...CONN, address: '300.1.2.3' }, 2104],
    [{ ...CONN, address: 'radar:0' }, 2104],
    [{ ...CONN, address: 'radar:65536' }, 2104],
    [{ ...CONN, address: 'fe80::g:8080' }, 2104],
    [{ ...CONN, address: '1.2.3.4:80:90' }, 2104],
    [{ ...CONN, address: '[fe80::1' }, 2104],
    [{ ...CONN, address: 42 }, 2104],
    [{ ...CONN, user: 7 }, 2104],
    [{ ...CONN, tls: 'yes' }, 2104],
    [{ ...CONN, 'tls-verify': 1 }, 2104],
    [{ ...CONN, colour: 'blue' }, 2104],
    [{ ...CONN, 'tls-certificate-cn': 'x' }, 2104]
  ]
  for (const [params, code] of cases) {
    const r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params })
    t.equal(r.statusCode, 200)
    t.equal(r.json().error?.code, code, JSON.stringify(params))
  }
  for (const address of ['radar.example.com', 'radar-1:8081', '10.0.0.2:80', '[fe80::1]:8443', '::1', '[::1]', 'localhost']) {
    const r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, address } })
    t.same(r.json().data, {}, address)
  }
  let r = await cgi(c.app, { apiVersion: V, method: 'setActive', params: {} })
  t.equal(r.json().error.code, 2103)
  r = await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: 'true' } })
  t.equal(r.json().error.code, 2104)
  r = await cgi(c.app, { apiVersion: V, method: 'getActive', params: { x: 1 } })
  t.equal(r.json().error.code, 2104, 'unknown parameter on a method without params')
  r = await cgi(c.app, { apiVersion: V, method: 'getActive', params: [] })
  t.equal(r.json().error.code, 2104, 'params not an object')
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.equal(r.json().data.address, 'localhost', 'last valid configuration kept')
})

t.test('envelope: apiVersion and method rules', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const cases: Array<[unknown, number, Record<string, unknown>]> = [
    [{ method: 'getActive' }, 2103, { apiVersion: '1.0', method: 'getActive' }],
    [{ apiVersion: 1, method: 'getActive' }, 2104, { apiVersion: '1.0', method: 'getActive' }],
    [{ apiVersion: '1', method: 'getActive' }, 2104, { apiVersion: '1', method: 'getActive' }],
    [{ apiVersion: '1.0.0', method: 'getActive' }, 2104, { apiVersion: '1.0.0', method: 'getActive' }],
    [{ apiVersion: '2.0', method: 'getActive' }, 2100, { apiVersion: '2.0', method: 'getActive' }],
    [{ apiVersion: '1.1', method: 'getActive' }, 2100, { apiVersion: '1.1', method: 'getActive' }],
    [{ apiVersion: '0.9', method: 'getActive' }, 2100, { apiVersion: '0.9', method: 'getActive' }],
    [{ apiVersion: V }, 2103, { apiVersion: V }],
    [{ apiVersion: V, method: 'getFoo' }, 2102, { apiVersion: V, method: 'getFoo' }],
    [{ apiVersion: V, method: 7 }, 2104, { apiVersion: V }],
    [{ apiVersion: V, method: 'getActive', context: 5 }, 2104, { apiVersion: V, method: 'getActive' }]
  ]
  for (const [body, code, echo] of cases) {
    const r = await cgi(c.app, body)
    const j = r.json()
    t.equal(r.statusCode, 200, JSON.stringify(body))
    t.equal(j.error?.code, code, JSON.stringify(body))
    t.notOk('data' in j, 'data xor error')
    t.match(j, echo)
    if (!('method' in echo)) t.notOk('method' in j, 'method echoed only when readable')
  }
  // getSupportedVersions may omit apiVersion.
  const r = await cgi(c.app, { method: 'getSupportedVersions', context: 'v' }, VIEWER)
  t.same(r.json(), { apiVersion: '1.0', context: 'v', method: 'getSupportedVersions', data: { apiVersions: ['1.0'] } })
})

t.test('transport: 400, 405, 411, 413, any Content-Type', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const url = '/networkradarpairing.cgi'
  for (const payload of ['{not json', '[1,2]', '"str"', 'null']) {
    const r = await cgi(c.app, payload)
    t.equal(r.statusCode, 400, payload)
    t.same(r.json(), { apiVersion: '1.0', error: { code: 2101, message: 'Invalid JSON.' } })
  }
  let r = await c.app.inject({ method: 'POST', url, headers: { authorization: ROOT, 'content-length': '0' }, payload: '' })
  t.equal(r.statusCode, 400, 'empty body')
  t.equal(r.json().error.code, 2101)
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
    r = await c.app.inject({ method, url, headers: { authorization: ROOT } })
    t.equal(r.statusCode, 405, method)
    t.equal(r.headers.allow, 'POST')
    t.same(r.json(), { apiVersion: '1.0', error: { code: 2107, message: 'Transport level error.' } })
  }
  r = await cgi(c.app, JSON.stringify({ apiVersion: V, method: 'getActive', params: { pad: 'x'.repeat(70 * 1024) } }))
  t.equal(r.statusCode, 413)
  t.equal(r.json().error.code, 2107)
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream']) {
    r = await c.app.inject({ method: 'POST', url, headers: { authorization: ROOT, 'content-type': type }, payload: JSON.stringify({ apiVersion: V, method: 'getRadarConnection' }) })
    t.equal(r.statusCode, 200, type)
    t.equal(r.json().data.state, 'not-configured')
  }
})

t.test('411 over a real socket: POST without length', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await c.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = c.app.server.address() as { port: number }
  const net = await import('node:net')
  const answer = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`POST /networkradarpairing.cgi HTTP/1.1\r\nHost: x\r\nAuthorization: ${ROOT}\r\nConnection: close\r\n\r\n`)
    })
    let buf = ''
    s.on('data', (d) => { buf += d })
    s.on('end', () => resolve(buf))
    s.on('error', reject)
  })
  t.match(answer, /^HTTP\/1\.1 411 /)
  t.match(answer, /"code":2107/)
})

t.test('roles: viewer, operator, admin', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const expect: Record<string, [string, unknown?][]> = {}
  void expect
  const methods: Array<[string, unknown, 'viewer' | 'operator' | 'admin']> = [
    ['getSupportedVersions', undefined, 'viewer'],
    ['getRadarConnection', undefined, 'operator'],
    ['getActive', undefined, 'operator'],
    ['setRadarConnection', CONN, 'admin'],
    ['setActive', { active: false }, 'admin'],
    ['clearConfiguration', undefined, 'admin']
  ]
  const users = { viewer: VIEWER, operator: OPERATOR, admin: ROOT }
  const rank = { viewer: 0, operator: 1, admin: 2 }
  for (const [method, params, least] of methods) {
    for (const [role, auth] of Object.entries(users) as Array<['viewer' | 'operator' | 'admin', string]>) {
      const r = await cgi(c.app, { apiVersion: V, method, ...(params ? { params } : {}) }, auth)
      if (rank[role] >= rank[least]) {
        t.not(r.statusCode, 403, `${role} may ${method}`)
      } else {
        t.equal(r.statusCode, 403, `${role} may not ${method}`)
        t.same(r.json(), { apiVersion: V, method, error: { code: 2105, message: 'Authorization failed.' } })
      }
    }
  }
})

t.test('401: no or wrong credentials get both challenges and 2106', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  for (const auth of [null, basic('root', 'wrong'), basic('nobody', 'pass'), 'Bearer abc', 'Basic !!!']) {
    const r = await cgi(c.app, { apiVersion: V, method: 'getActive' }, auth)
    t.equal(r.statusCode, 401, String(auth))
    t.same(r.json(), { apiVersion: '1.0', error: { code: 2106, message: 'Authentication failed.' } })
    const challenges = r.headers['www-authenticate'] as string[]
    t.equal(challenges.length, 2)
    t.match(challenges[0], /^Digest realm="AXIS_ACCC8E123456", nonce="[^"]+", algorithm=MD5, qop="auth"$/)
    t.equal(challenges[1], 'Basic realm="AXIS_ACCC8E123456"')
  }
})

t.test('profile 2026-01: tls-certificate-cn instead of tls and tls-verify', async (t) => {
  const c = await buildTestCamera({ profile: '2026-01' })
  t.teardown(c.close)
  let r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, tls: true } })
  t.equal(r.json().error.code, 2104, 'tls is not a parameter of 2026-01')
  r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { ...CONN, 'tls-certificate-cn': 'axis-1234567890ab-eccp256-1' } })
  t.same(r.json().data, {})
  r = await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })
  t.same(r.json().data, { address: '192.168.0.90', user: 'john', state: 'not-active', 'tls-certificate-cn': 'axis-1234567890ab-eccp256-1' })
  await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active: true } })
  t.equal(c.link.starts[0].tls, true, 'the link always uses TLS')
  r = await cgi(c.app, { apiVersion: V, method: 'getApiList' }, null, '/axis-cgi/apidiscovery.cgi')
  t.match(r.json().data.apiList, [{ id: 'api-discovery' }, { id: 'network-radar-pairing', version: '1.0', name: /2026-01/ }])
})

t.test('internal failures: 500 / 1100 without details', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const pairing = c.app.camera.pairing
  const original = pairing.setConnection.bind(pairing)
  pairing.setConnection = async () => { throw new Error('EACCES: secret internal path /var/x') }
  const r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: CONN })
  t.equal(r.statusCode, 500)
  t.same(r.json(), { apiVersion: V, method: 'setRadarConnection', error: { code: 1100, message: 'Internal error.' } })
  t.notOk(r.body.includes('EACCES'))
  pairing.setConnection = original
})
