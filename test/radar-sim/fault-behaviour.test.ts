import t from 'tap'
import net from 'node:net'
import { startRadarSimulator, type RadarSimulator, type RadarSimulatorOptions } from '../../src/radar-sim/radar.js'
import { DigestClient } from '../../src/vapix/digest.js'
import { parseSessionHeader } from '../../src/rtsp/message.js'
import { decodeRtp, Reassembler } from '../../src/rtsp/rtp.js'
import { readFrame } from '../../src/onvif/read.js'
import { MEDIA_QUERY, TestRtspClient, digestRequest, httpRequest, jsonCall, selfSigned, testLoader } from './helpers.js'

type Teardown = { teardown: (fn: () => unknown) => void }

async function radar (t: Teardown, extra: Partial<RadarSimulatorOptions> = {}): Promise<RadarSimulator> {
  const r = await startRadarSimulator({ loadScene: testLoader, scenario: 'one', rate: 50, ...extra })
  t.teardown(() => r.close())
  return r
}

const urls = (r: RadarSimulator): { url: string, base: string } => ({
  url: `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`,
  base: `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp/`
})

async function rtspClient (t: Teardown, r: RadarSimulator, password = 'radar'): Promise<TestRtspClient> {
  const c = await TestRtspClient.connect(r.rtspPort)
  c.digest = new DigestClient('root', password)
  t.teardown(() => c.close())
  return c
}

async function play (t: Teardown, r: RadarSimulator): Promise<TestRtspClient> {
  const { url, base } = urls(r)
  const c = await rtspClient(t, r)
  const d = await c.request('DESCRIBE', url)
  if (d.status !== 200) throw new Error(`DESCRIBE ${d.status}`)
  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
  c.session = parseSessionHeader(s.headers.session)?.id
  const p = await c.request('PLAY', base)
  if (p.status !== 200) throw new Error(`PLAY ${p.status}`)
  return c
}

function documents (c: TestRtspClient): string[] {
  const r = new Reassembler()
  const out: string[] = []
  for (const f of c.frames) {
    const res = r.push(decodeRtp(f.payload))
    if (res.type === 'document') out.push(res.payload.toString('utf8'))
  }
  return out
}

/** Connects and reports how the connection ended: 'reset' / 'closed' / 'open' (after a short grace). */
async function connectOutcome (port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' })
    let result = 'open'
    s.on('error', (err: NodeJS.ErrnoException) => { result = err.code === 'ECONNRESET' ? 'reset' : (err.code ?? 'error') })
    s.on('close', () => resolve(result === 'open' ? 'closed' : result))
    s.on('connect', () => { s.write('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n') })
    s.on('data', () => { result = 'answered'; s.destroy() })
  })
}

t.test('refuse: new connections are reset, open streams closed; clearing restores service', async (t) => {
  const r = await radar(t, { tls: await selfSigned() })
  const c = await play(t, r)
  await c.until(() => c.frames.length > 0, 5000, 'frames')
  r.faults.add('refuse')
  await c.until(() => c.closed, 5000, 'stream closed')
  for (const port of [r.httpPort, r.rtspPort, r.httpsPort as number, r.rtspsPort as number]) {
    const outcome = await connectOutcome(port)
    t.ok(outcome === 'reset' || outcome === 'closed', `port ${port}: ${outcome}`)
  }
  await t.rejects(httpRequest({ port: r.httpPort, path: '/axis-cgi/apidiscovery.cgi' }))
  r.faults.clear()
  t.equal(await connectOutcome(r.rtspPort), 'answered')
  const res = await httpRequest({ port: r.httpPort, path: '/axis-cgi/apidiscovery.cgi', method: 'POST', body: '{"apiVersion":"1.0","method":"getApiList"}' })
  t.equal(res.status, 200)
})

t.test('reject-auth: every password is wrong on HTTP and RTSP', async (t) => {
  const r = await radar(t, { faults: ['reject-auth'] })
  const param = await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Brand' })
  t.equal(param.status, 401)
  const props = await jsonCall(r.httpPort, '/properties.cgi', { apiVersion: '1.0', method: 'getRadarProperties' })
  t.equal(props.status, 401)
  const c = await rtspClient(t, r)
  t.equal((await c.request('DESCRIBE', urls(r).url)).status, 401)
  const control = await jsonCall(r.httpPort, '/radar-sim/control', { apiVersion: '1.0', method: 'clearFaults' })
  t.equal(control.status, 200, 'the control endpoint still authenticates')
  t.equal((await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Brand' })).status, 200)
})

t.test('drop-after: the RTSP connection closes after streaming for the duration', async (t) => {
  const r = await radar(t, { faults: ['drop-after:300ms'] })
  const c = await play(t, r)
  await c.until(() => c.closed, 5000, 'drop')
  t.ok(documents(c).length >= 5, `frames were sent first (${documents(c).length})`)
  t.equal(r.status().rtsp.connections, 0)
})

t.test('stall-after: nothing more is sent, the socket stays open', async (t) => {
  const r = await radar(t, { faults: ['stall-after:300ms'] })
  const c = await play(t, r)
  await c.until(() => r.status().rtsp.sessions.length === 1 && c.frames.length > 0, 5000, 'frames')
  // Wait until the stream has stalled: the frame count stops growing.
  await c.until(() => r.status().rtsp.sessions[0]?.streamingMs > 400, 5000, 'past the stall point')
  const n = c.frames.length
  const pending = c.request('GET_PARAMETER', urls(r).base)
  let answered = false
  pending.then(() => { answered = true }, () => { answered = true })
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(c.frames.length, n, 'no frames')
  t.equal(answered, false, 'no answers')
  t.equal(c.closed, false, 'still connected')
  await c.close()
  await pending.catch(() => {})
})

t.test('malformed-xml and malformed-xml-after', async (t) => {
  const r = await radar(t, { faults: ['malformed-xml'] })
  const c = await play(t, r)
  await c.until(() => documents(c).length >= 3, 5000, 'documents')
  for (const d of documents(c)) t.throws(() => readFrame(d), 'not well-formed')

  const r2 = await radar(t, { faults: ['malformed-xml-after:300ms'] })
  const c2 = await play(t, r2)
  await c2.until(() => documents(c2).length >= 3 && documents(c2).some((d) => { try { readFrame(d); return false } catch { return true } }), 5000, 'a malformed document')
  const docs = documents(c2)
  t.doesNotThrow(() => readFrame(docs[0]), 'well-formed at first')
  let bad = docs.findIndex((d) => { try { readFrame(d); return false } catch { return true } })
  t.ok(bad > 0)
  for (; bad < docs.length; bad++) t.throws(() => readFrame(docs[bad]))
})

t.test('rtsp-5xx: DESCRIBE answers 503 (or the status given)', async (t) => {
  const r = await radar(t, { faults: ['rtsp-5xx'] })
  const c = await rtspClient(t, r)
  t.equal((await c.request('DESCRIBE', urls(r).url)).status, 503)
  r.faults.set(['rtsp-5xx:500'])
  t.equal((await c.request('DESCRIBE', urls(r).url)).status, 500)
  r.faults.clear()
  t.equal((await c.request('DESCRIBE', urls(r).url)).status, 200)
})

t.test('latency: every HTTP and RTSP answer waits; RTSP answers keep their order', async (t) => {
  const r = await radar(t, { faults: ['latency:200ms'] })
  let start = Date.now()
  const res = await httpRequest({ port: r.httpPort, path: '/axis-cgi/apidiscovery.cgi', method: 'POST', body: '{"apiVersion":"1.0","method":"getApiList"}' })
  t.equal(res.status, 200)
  t.ok(Date.now() - start >= 150, 'HTTP answer delayed')
  const c = await rtspClient(t, r)
  start = Date.now()
  const [a, b] = await Promise.all([c.request('OPTIONS', urls(r).url), c.request('OPTIONS', '*')])
  t.ok(Date.now() - start >= 150, 'RTSP answers delayed')
  t.same(c.responses.map((x) => x.headers.cseq), ['1', '2'], 'in order')
  t.equal(a.status, 200)
  t.equal(b.status, 200)
  // Lowering the latency does not let a later answer overtake an earlier one.
  const slow = c.request('OPTIONS', '*')
  r.faults.remove('latency')
  const fast = c.request('OPTIONS', '*')
  await Promise.all([slow, fast])
  t.same(c.responses.map((x) => x.headers.cseq), ['1', '2', '3', '4'], 'still in order')
})

t.test('not-a-radar: no radar APIs, properties.cgi 404', async (t) => {
  const r = await radar(t, { faults: ['not-a-radar'] })
  const res = await httpRequest({ port: r.httpPort, path: '/axis-cgi/apidiscovery.cgi', method: 'POST', body: '{"apiVersion":"1.0","method":"getApiList"}' })
  const ids = (JSON.parse(res.body).data.apiList as Array<{ id: string }>).map((a) => a.id)
  t.same(ids, ['api-discovery'])
  const props = await httpRequest({ port: r.httpPort, path: '/properties.cgi', method: 'POST', body: '{"apiVersion":"1.0","method":"getRadarProperties"}' })
  t.equal(props.status, 404)
  r.faults.clear()
  const ok = await jsonCall(r.httpPort, '/properties.cgi', { apiVersion: '1.0', method: 'getRadarProperties' })
  t.equal(ok.json.data.device, 'D2210-VE')
})
