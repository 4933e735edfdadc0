/**
 * The VAPIX HTTP client against small local fakes: the authentication
 * choices (Digest; Basic only over TLS and only when Digest is not offered)
 * and the per-request bounds.
 */
import t, { type Test } from 'tap'
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { VapixHttpClient } from '../../src/radar-link/http-client.js'
import { LinkFailure } from '../../src/radar-link/causes.js'
import { Scope } from '../../src/radar-link/scope.js'
import { DigestServer, basicAuthorization } from '../../src/vapix/digest.js'
import { makeCerts } from './sim-helper.js'

type Handler = (req: IncomingMessage, res: ServerResponse) => void

async function serve (server: Server, t: Test): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  return (server.address() as AddressInfo).port
}

function client (port: number, tls: boolean, o: { requestMs?: number, maxBytes?: number, password?: string } = {}): { http: VapixHttpClient, scope: Scope } {
  const scope = new Scope()
  const http = new VapixHttpClient({
    scope,
    endpoint: { host: '127.0.0.1', addresses: ['127.0.0.1'], port, isName: false },
    tls: tls ? { verify: false } : null,
    user: 'root',
    password: o.password ?? 'pw',
    connectMs: 1000,
    requestMs: o.requestMs ?? 1000,
    maxBytes: o.maxBytes ?? 1024
  })
  return { http, scope }
}

async function failureOf (p: Promise<unknown>): Promise<LinkFailure> {
  try { await p } catch (e) { if (e instanceof LinkFailure) return e; throw e }
  throw new Error('expected a LinkFailure')
}

const basicOnly: Handler = (req, res) => {
  if (req.headers.authorization === basicAuthorization('root', 'pw')) { res.end('root.Network.RTSP.Port=554\n'); return }
  res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="AXIS_X"' }).end()
}

t.test('Digest: challenge answered, then sent up front; wrong password → 401 from …', async (t) => {
  const digest = new DigestServer({ realm: 'AXIS_ACCC8E0D2210' })
  const seen: Array<string | undefined> = []
  const port = await serve(createHttpServer((req, res) => {
    seen.push(req.headers.authorization?.split(' ')[0])
    const auth = req.headers.authorization
    const ok = auth !== undefined && digest.verify(auth, req.method ?? '', req.url ?? '', (u) => u === 'root' ? 'pw' : undefined).ok
    if (!ok) { res.writeHead(401, { 'WWW-Authenticate': [digest.challenge(), 'Basic realm="x"'] }).end(); return }
    res.end('ok')
  }), t)
  const { http } = client(port, false)
  t.equal((await http.request('GET', '/a?x=1,2', 'a.cgi')).body.toString(), 'ok')
  t.equal((await http.request('POST', '/b', 'b.cgi', { apiVersion: '1.0' })).status, 200)
  t.same(seen, [undefined, 'Digest', 'Digest'], 'one challenge, then credentials up front')
  const wrong = client(port, false, { password: 'nope' }).http
  const f = await failureOf(wrong.request('GET', '/a', 'param.cgi'))
  t.equal(f.state, 'authentication-failed')
  t.equal(f.cause, '401 from param.cgi')
})

t.test('Basic is never sent without TLS', async (t) => {
  const port = await serve(createHttpServer(basicOnly), t)
  const f = await failureOf(client(port, false).http.request('GET', '/p', 'param.cgi'))
  t.equal(f.state, 'authentication-failed')
  t.equal(f.cause, 'param.cgi offers only Basic authentication, which is not sent without TLS')
})

t.test('Basic over TLS when only Basic is offered', async (t) => {
  const certs = await makeCerts()
  const port = await serve(createHttpsServer({ cert: certs.cert, key: certs.key }, basicOnly), t)
  const { http } = client(port, true)
  t.equal((await http.request('GET', '/p', 'param.cgi')).status, 200)
  const wrong = client(port, true, { password: 'nope' }).http
  t.equal((await failureOf(wrong.request('GET', '/p', 'param.cgi'))).cause, '401 from param.cgi')
})

t.test('bounds: answer size, answer time, cut-off answers', async (t) => {
  const port = await serve(createHttpServer((req, res) => {
    if (req.url === '/big') res.end(Buffer.alloc(5000, 0x61))
    else if (req.url === '/chunked-big') { res.write(Buffer.alloc(800)); res.write(Buffer.alloc(800)); res.end() }
    else if (req.url === '/slow') setTimeout(() => { if (!res.destroyed) res.end('late') }, 2000)
    else if (req.url === '/cut') { res.writeHead(200, { 'Content-Length': '100' }); res.write('partial'); setTimeout(() => res.destroy(), 20) }
    else res.end('ok')
  }), t)
  const { http } = client(port, false, { requestMs: 300 })
  const big = await failureOf(http.request('GET', '/big', 'param.cgi'))
  t.same([big.state, big.cause], ['failed', 'answer from param.cgi larger than 1024 bytes'])
  t.equal((await failureOf(http.request('GET', '/chunked-big', 'param.cgi'))).cause, 'answer from param.cgi larger than 1024 bytes')
  const slow = await failureOf(http.request('GET', '/slow', 'param.cgi'))
  t.equal(slow.state, 'connect-failed')
  t.match(slow.cause, /^no answer from param\.cgi within 300 ms \(127\.0\.0\.1:\d+\)$/)
  const cut = await failureOf(http.request('GET', '/cut', 'param.cgi'))
  t.equal(cut.state, 'transfer-failed')
  t.match(cut.cause, /^param\.cgi answer cut off: /)
})

t.test('abort ends a pending request at once', async (t) => {
  const port = await serve(createHttpServer(() => {}), t)
  const { http, scope } = client(port, false, { requestMs: 5000 })
  const p = http.request('GET', '/hang', 'param.cgi')
  setTimeout(() => scope.abort(), 50)
  await t.rejects(p, { name: 'LinkAborted' })
  await scope.closed()
  t.equal(scope.socketCount, 0)
})
