/**
 * Slow and hostile HTTP clients: half-open requests do not delay others,
 * header and body timeouts close stalled requests, secrets never reach logs.
 */
import t from 'tap'
import { connect, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { buildTestCamera, ROOT, challengeParams, digestHeader } from '../helper.js'
import { createLogger } from '../../src/common/logger.js'

async function listen (c: Awaited<ReturnType<typeof buildTestCamera>>): Promise<number> {
  await c.app.listen({ port: 0, host: '127.0.0.1' })
  return (c.app.server.address() as { port: number }).port
}

function openSocket (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.on('error', reject)
  })
}

function readAll (s: Socket): Promise<string> {
  return new Promise((resolve) => {
    let buf = ''
    s.on('data', (d) => { buf += d })
    s.on('close', () => resolve(buf))
    s.on('error', () => resolve(buf))
  })
}

t.test('150 half-open requests do not delay a normal request', async (t) => {
  const c = await buildTestCamera()
  const port = await listen(c)
  const sockets: Socket[] = []
  t.teardown(async () => { for (const s of sockets) s.destroy(); await c.close() })
  for (let i = 0; i < 150; i++) {
    const s = await openSocket(port)
    s.on('error', () => {})
    // Half the sockets stall in the headers, half in the body.
    s.write(i % 2 === 0
      ? 'POST /networkradarpairing.cgi HTTP/1.1\r\nHost: x\r\nAuthor'
      : `POST /networkradarpairing.cgi HTTP/1.1\r\nHost: x\r\nAuthorization: ${ROOT}\r\nContent-Length: 500\r\n\r\n{"apiV`)
    sockets.push(s)
  }
  const r = await fetch(`http://127.0.0.1:${port}/networkradarpairing.cgi`, {
    method: 'POST', headers: { authorization: ROOT }, body: JSON.stringify({ apiVersion: '1.0', method: 'getRadarConnection' }), signal: AbortSignal.timeout(5000)
  })
  t.equal(r.status, 200)
  t.same((await r.json()).data, { state: 'not-configured' })
})

t.test('stalled headers and bodies are cut off by the server timeouts', async (t) => {
  const c = await buildTestCamera({ httpLimits: { headersTimeout: 300, requestTimeout: 600, checkIntervalMs: 100 } })
  const port = await listen(c)
  t.teardown(c.close)
  const headers = await openSocket(port)
  const headersDone = readAll(headers)
  headers.write('POST /networkradarpairing.cgi HTTP/1.1\r\nHost: x\r\n')
  const body = await openSocket(port)
  const bodyDone = readAll(body)
  body.write(`POST /networkradarpairing.cgi HTTP/1.1\r\nHost: x\r\nAuthorization: ${ROOT}\r\nContent-Length: 100\r\n\r\n{`)
  const [h, b] = await Promise.all([headersDone, bodyDone])
  t.match(h, /^HTTP\/1\.1 408 /, 'header timeout answered 408 and closed')
  t.match(b, /408|^$/, 'body timeout closed the connection')
})

t.test('secrets never reach the logs', async (t) => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _enc, cb) { lines.push(String(chunk)); cb() } })
  const logger = createLogger({ level: 'trace', destination: sink })
  const c = await buildTestCamera({ logger })
  t.teardown(c.close)
  const secret = 'Radar-Passw0rd-XYZ'
  const post = (body: unknown, authorization?: string) => c.app.inject({ method: 'POST', url: '/networkradarpairing.cgi', headers: authorization ? { authorization } : {}, payload: JSON.stringify(body) })
  await post({ apiVersion: '1.0', method: 'setRadarConnection', params: { address: '127.0.0.1', user: 'u', password: secret } }, ROOT)
  await post({ apiVersion: '1.0', method: 'setRadarConnection', params: { address: 'bad address', user: 'u', password: secret } }, ROOT)
  await post({ apiVersion: '1.0', method: 'getActive' }, 'Basic ' + Buffer.from(`root:${secret}`).toString('base64'))
  const r = await post({ apiVersion: '1.0', method: 'getActive' })
  const { nonce, realm } = challengeParams((r.headers['www-authenticate'] as string[])[0])
  const digest = digestHeader({ user: 'root', password: 'pass', realm, nonce, method: 'POST', uri: '/networkradarpairing.cgi', nc: 1 })
  await post({ apiVersion: '1.0', method: 'getActive' }, digest)
  await post({ apiVersion: '1.0', method: 'setActive', params: { active: true } }, ROOT)
  c.link.report?.({ state: 'authentication-failed', cause: '401 from param.cgi' })
  await c.app.camera.pairing.setActive(false)
  const all = lines.join('')
  t.ok(lines.length > 5, 'the run logged')
  t.match(all, /"msg":"request"/)
  t.notOk(all.includes(secret), 'no radar password')
  t.notOk(all.includes(':pass'), 'no camera password')
  t.notOk(all.includes(Buffer.from('root:pass').toString('base64')), 'no Basic credentials')
  t.notOk(/Digest username/.test(all), 'no Digest credentials')
  t.notOk(/authorization/i.test(all.replace(/Authorization failed|authorization":"\[redacted\]/g, '')), 'no Authorization header')
})
