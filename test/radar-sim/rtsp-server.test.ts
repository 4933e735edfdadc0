import t from 'tap'
import { RadarRtspServer, classifyUri, corruptDocument, formatUtcTime, type RadarRtspServerOptions } from '../../src/radar-sim/rtsp-server.js'
import { FaultSet } from '../../src/radar-sim/faults.js'
import { DigestClient, basicAuthorization } from '../../src/vapix/digest.js'
import { decodeRtp, Reassembler } from '../../src/rtsp/rtp.js'
import { RtspStreamParser } from '../../src/rtsp/parser.js'
import { parseSessionHeader } from '../../src/rtsp/message.js'
import { readFrame } from '../../src/onvif/read.js'
import { MEDIA_QUERY, TestRtspClient, testObject, selfSigned } from './helpers.js'

const REALM = 'AXIS_ACCC8E0D2210'
interface HasTeardown { teardown: (fn: () => unknown) => void }

async function server (t: HasTeardown, opts: Partial<RadarRtspServerOptions> = {}, tlsPems?: { cert: string, key: string }): Promise<{ srv: RadarRtspServer, port: number, url: string, base: string, tlsPort?: number }> {
  const srv = new RadarRtspServer({
    realm: REALM,
    passwordOf: (u) => u === 'root' ? 'radar' : undefined,
    faults: new FaultSet(),
    source: { objectsAt: (i) => [testObject(i)] },
    rate: 50,
    ...opts
  })
  t.teardown(() => srv.close())
  const port = await srv.listen({ port: 0 })
  const tlsPort = tlsPems === undefined ? undefined : await srv.listen({ port: 0, tls: tlsPems })
  return { srv, port, tlsPort, url: `rtsp://127.0.0.1:${port}/axis-media/media.amp?${MEDIA_QUERY}`, base: `rtsp://127.0.0.1:${port}/axis-media/media.amp/` }
}

async function client (t: HasTeardown, port: number, opts: { tls?: boolean, auth?: boolean } = {}): Promise<TestRtspClient> {
  const c = await TestRtspClient.connect(port, opts)
  if (opts.auth !== false) c.digest = new DigestClient('root', 'radar')
  t.teardown(() => c.close())
  return c
}

/** DESCRIBE (Digest) → SETUP → PLAY; returns the client. */
async function playing (t: HasTeardown, port: number, url: string, base: string, tls = false): Promise<TestRtspClient> {
  const c = await client(t, port, { tls })
  const d = await c.request('DESCRIBE', url.replace('rtsp:', tls ? 'rtsps:' : 'rtsp:'), { Accept: 'application/sdp' })
  if (d.status !== 200) throw new Error(`DESCRIBE ${d.status}`)
  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
  if (s.status !== 200) throw new Error(`SETUP ${s.status}`)
  c.session = parseSessionHeader(s.headers.session)?.id
  const p = await c.request('PLAY', base, { Range: 'npt=0.000-' })
  if (p.status !== 200) throw new Error(`PLAY ${p.status}`)
  return c
}

/** Documents carried by the interleaved frames on `channel`, reassembled. */
function documents (c: TestRtspClient, channel = 0): string[] {
  const r = new Reassembler()
  const out: string[] = []
  for (const f of c.frames) {
    if (f.channel !== channel) continue
    const res = r.push(decodeRtp(f.payload))
    if (res.type === 'document') out.push(res.payload.toString('utf8'))
    else if (res.type !== 'partial') throw new Error(`unexpected ${res.type}`)
  }
  return out
}

t.test('URI classification', async (t) => {
  const ok = (u: string): string => { const c = classifyUri(u); return c.ok ? `${c.kind}${c.query ? '?' : ''}` : String(c.status) }
  t.equal(ok(`rtsp://h:1/axis-media/media.amp?${MEDIA_QUERY}`), 'aggregate?')
  t.equal(ok('rtsp://h:1/axis-media/media.amp?video=0&analytics=polygon'), 'aggregate?', 'audio and event are optional')
  t.equal(ok('rtsp://h/axis-media/media.amp/'), 'aggregate')
  t.equal(ok('rtsp://h/axis-media/media.amp/stream=0'), 'stream')
  t.equal(ok(`rtsp://h/axis-media/media.amp?${MEDIA_QUERY}/stream=0`), 'stream?', 'ffmpeg-style concatenation')
  t.equal(ok(`RTSPS://h/axis-media/media.amp?${MEDIA_QUERY}`), 'aggregate?')
  t.equal(ok('rtsp://h/axis-media/media.amp?video=1&analytics=polygon'), '404')
  t.equal(ok('rtsp://h/axis-media/media.amp?video=0&analytics=polygon&event=on'), '404')
  t.equal(ok('rtsp://h/axis-media/media.amp?audio=0&analytics=polygon'), '404', 'video=0 required')
  t.equal(ok('rtsp://h/axis-media/media.amp?video=0&analytics=polygon&foo=1'), '400')
  t.equal(ok('rtsp://h/axis-media/media.amp?video=0&video=0&analytics=polygon'), '400')
  t.equal(ok('rtsp://h/axis-media/media.amp?video=%zz'), '400')
  t.equal(ok('rtsp://h/other'), '404')
  t.equal(ok('rtsp://h/axis-media/media.amp/stream=1'), '404')
  t.equal(ok('/axis-media/media.amp'), '400')
  t.equal(ok('*'), '400')
})

t.test('UtcTime and the malformed document', async (t) => {
  t.equal(formatUtcTime(Date.UTC(2017, 6, 14, 8, 45, 20, 284) + 0.189), '2017-07-14T08:45:20.284189Z')
  t.equal(formatUtcTime(0), '1970-01-01T00:00:00.000000Z')
  const bad = corruptDocument('<a><b/></a>')
  t.equal(bad.startsWith('<a><b/>'), true)
  t.throws(() => readFrame(bad))
})

t.test('a full session: OPTIONS, DESCRIBE 401 then Digest, SETUP, PLAY, frames, GET_PARAMETER, TEARDOWN', async (t) => {
  const streaming: boolean[] = []
  const { srv, port, url, base } = await server(t, { onStreamingChange: (s) => streaming.push(s) })
  const c = await client(t, port, { auth: false })

  const o = await c.request('OPTIONS', url)
  t.equal(o.status, 200)
  t.equal(o.headers.cseq, '1')
  t.match(o.headers.public, /DESCRIBE/)
  t.match(o.headers.public, /GET_PARAMETER/)

  const d1 = await c.request('DESCRIBE', url, { Accept: 'application/sdp' })
  t.equal(d1.status, 401)
  t.match(d1.headers['www-authenticate'], new RegExp(`^Digest realm="${REALM}", nonce="[^"]+", algorithm=MD5, qop="auth"$`))
  t.notMatch(d1.headers['www-authenticate'], /Basic/, 'no Basic over plain RTSP')

  c.digest = new DigestClient('root', 'radar')
  c.digest.setChallenge(d1.headers['www-authenticate'])
  const d2 = await c.request('DESCRIBE', url, { Accept: 'application/sdp' })
  t.equal(d2.status, 200)
  t.equal(d2.headers['content-base'], base)
  t.equal(d2.headers['content-type'], 'application/sdp')
  const sdp = d2.body.toString()
  t.match(sdp, /^v=0\r\n/)
  const lines = sdp.split('\r\n')
  const m = lines.indexOf('m=application 0 RTP/AVP 98')
  t.ok(m > 0, 'one application media line')
  t.ok(lines.indexOf('a=control:*') > 0 && lines.indexOf('a=control:*') < m, 'session-level a=control:*')
  t.ok(lines.indexOf('a=rtpmap:98 vnd.onvif.metadata/90000') > m)
  t.ok(lines.indexOf('a=control:stream=0') > m)
  t.equal(lines.filter((l) => l.startsWith('m=')).length, 1)

  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=2-3' })
  t.equal(s.status, 200)
  t.match(s.headers.transport, /^RTP\/AVP\/TCP;unicast;interleaved=2-3;ssrc=[0-9A-F]{8}/)
  t.match(s.headers.session, /^[0-9A-F]{16};timeout=60$/)
  c.session = parseSessionHeader(s.headers.session)?.id
  t.equal(srv.stats().sessions, 1)

  const p = await c.request('PLAY', base, { Range: 'npt=0.000-' })
  t.equal(p.status, 200)
  t.match(p.headers['rtp-info'], new RegExp(`^url=${base.replace(/[.?]/g, '\\$&')}stream=0;seq=\\d+;rtptime=\\d+$`))
  t.ok(p.headers.range)
  await c.until(() => documents(c, 2).length >= 5, 5000, 'five documents')
  t.ok(c.frames.every((f) => f.channel === 2), 'frames on the SETUP channel')
  const docs = documents(c, 2)
  for (const doc of docs) {
    const frame = readFrame(doc)
    t.equal(frame.objects.length, 1)
  }
  const packets = c.frames.map((f) => decodeRtp(f.payload))
  const seq0 = Number(/seq=(\d+)/.exec(p.headers['rtp-info'])?.[1])
  t.equal(packets[0].header.sequenceNumber, seq0, 'RTP-Info seq is the first packet')
  t.equal(packets[0].header.payloadType, 98)
  t.ok(packets.every((q) => q.header.marker), 'small documents: one packet each, marker set')
  t.equal(srv.stats().playing, 1)
  t.same(streaming, [true])

  const g = await c.request('GET_PARAMETER', base)
  t.equal(g.status, 200)
  t.match(g.headers.session, /;timeout=60$/)
  const o2 = await c.request('OPTIONS', url)
  t.equal(o2.status, 200)

  const td = await c.request('TEARDOWN', base)
  t.equal(td.status, 200)
  t.same(streaming, [true, false])
  t.equal(srv.stats().sessions, 0)
  c.session = undefined
  const after = documents(c, 2).length
  const again = await c.request('GET_PARAMETER', base, { Session: parseSessionHeader(s.headers.session)?.id ?? '' })
  t.equal(again.status, 454, 'the session is gone')
  t.ok(documents(c, 2).length - after <= 1, 'no frames after TEARDOWN (at most one in flight)')
})

t.test('large documents are split over packets with the marker on the last', async (t) => {
  const many = Array.from({ length: 50 }, (_, k) => testObject(k, String(k + 1)))
  const { port, url, base } = await server(t, { source: { objectsAt: () => many } })
  const c = await playing(t, port, url, base)
  await c.until(() => documents(c).length >= 2, 5000, 'two documents')
  const packets = c.frames.map((f) => decodeRtp(f.payload))
  t.ok(packets.some((p) => !p.header.marker), 'some packets without marker')
  t.ok(packets.every((p) => p.payload.length <= 1400))
  t.equal(readFrame(documents(c)[0]).objects.length, 50)
  for (let k = 1; k < packets.length; k++) t.equal(packets[k].header.sequenceNumber, (packets[k - 1].header.sequenceNumber + 1) & 0xffff)
})

t.test('deterministic mode: byte-identical streams run to run', async (t) => {
  const capture = async (): Promise<Buffer> => {
    let n = 0
    const { srv, port, url, base } = await server(t, { clock: () => Date.UTC(2024, 0, 1) + (n++) * 100, rtpSeed: 42 })
    const c = await playing(t, port, url, base)
    await c.until(() => c.frames.length >= 6, 5000, 'six frames')
    await c.close()
    await srv.close()
    return Buffer.concat(c.frames.slice(0, 6).map((f) => f.payload))
  }
  const a = await capture()
  const b = await capture()
  t.ok(a.equals(b), 'RTP packets including SSRC, sequence numbers, timestamps and UtcTime are identical')
  t.match(a.toString('latin1'), /UtcTime="2024-01-01T00:00:00\.\d{6}Z"/)
})

t.test('status codes: 400, 404, 405, 406, 454, 455, 459, 461, 501, 505', async (t) => {
  const { port, url, base } = await server(t)
  const c = await client(t, port)
  t.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/nothing`)).status, 404)
  t.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/axis-media/media.amp?video=1&analytics=polygon`)).status, 404)
  t.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/axis-media/media.amp`)).status, 404, 'the bare URL means video')
  t.equal((await c.request('DESCRIBE', `rtsp://127.0.0.1:${port}/axis-media/media.amp?video=0&analytics=polygon&resolution=1`)).status, 400)
  t.equal((await c.request('DESCRIBE', url, { Accept: 'text/html' })).status, 406)
  t.equal((await c.request('DESCRIBE', url, { Accept: 'application/sdp, text/html' })).status, 200)
  t.equal((await c.request('PLAY', base)).status, 455, 'PLAY before SETUP')
  t.equal((await c.request('TEARDOWN', base)).status, 455)
  t.equal((await c.request('PLAY', base, { Session: 'DEADBEEF' })).status, 454)
  t.equal((await c.request('SETUP', base, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })).status, 459, 'SETUP on the aggregate')
  t.equal((await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP;unicast;client_port=5000-5001' })).status, 461, 'UDP')
  t.equal((await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;multicast;interleaved=0-1' })).status, 461)
  t.equal((await c.request('SETUP', base + 'stream=0')).status, 400, 'no Transport')
  t.equal((await c.request('RECORD', base)).status, 405)
  t.equal((await c.request('FLY', base)).status, 501)
  t.equal((await c.request('GET_PARAMETER', base)).status, 200, 'ping without a session')
  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
  t.equal(s.status, 200)
  c.session = parseSessionHeader(s.headers.session)?.id
  t.equal((await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=4-5' })).status, 200, 'SETUP again in Ready changes the transport')
  t.equal((await c.request('PLAY', base)).status, 200)
  t.equal((await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })).status, 455, 'SETUP while playing')
  t.equal((await c.request('GET_PARAMETER', base, { 'Content-Type': 'text/parameters' })).status, 200)
  await c.until(() => c.frames.length > 0, 5000, 'a frame')
  t.equal(c.frames[0].channel, 4)
  t.equal((await c.request('PAUSE', base)).status, 200)
  t.equal((await c.request('PLAY', base)).status, 200, 'PLAY after PAUSE')

  // 505 and 400 without CSeq: raw requests
  const raw = await client(t, port)
  raw.send(`DESCRIBE ${url} RTSP/2.0\r\nCSeq: 1\r\n\r\n`)
  await raw.until(() => raw.responses.length === 1)
  t.equal(raw.responses[0].status, 505)
  raw.send(`OPTIONS ${url} RTSP/1.0\r\n\r\n`)
  await raw.until(() => raw.responses.length === 2)
  t.equal(raw.responses[1].status, 400, 'no CSeq')
})

t.test('garbage gets 400 and the connection closes', async (t) => {
  const { port } = await server(t)
  const c = await client(t, port)
  c.send('\x16\x03\x01\x02\x00garbage')
  await c.until(() => c.closed, 5000, 'close')
  t.equal(c.responses[0]?.status, 400)
  const c2 = await client(t, port)
  c2.send('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000\r\n\r\n')
  await c2.until(() => c2.closed, 5000, 'close')
  t.equal(c2.responses[0]?.status, 413)
})

t.test('authentication: every method but OPTIONS, wrong passwords, replays', async (t) => {
  const { port, url, base } = await server(t)
  const c = await client(t, port, { auth: false })
  t.equal((await c.request('OPTIONS', url)).status, 200)
  for (const m of ['DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN', 'GET_PARAMETER', 'PAUSE']) {
    t.equal((await c.request(m, m === 'SETUP' ? base + 'stream=0' : url)).status, 401, `${m} needs credentials`)
  }
  const wrong = await client(t, port, { auth: false })
  wrong.digest = new DigestClient('root', 'nope')
  t.equal((await wrong.request('DESCRIBE', url)).status, 401)
  const unknown = await client(t, port, { auth: false })
  unknown.digest = new DigestClient('ghost', 'radar')
  t.equal((await unknown.request('DESCRIBE', url)).status, 401)
  // A replayed Authorization (same nc) is refused.
  const good = await client(t, port)
  t.equal((await good.request('DESCRIBE', url)).status, 200)
  const header = good.digest?.authorization('DESCRIBE', url) ?? ''
  t.equal((await good.request('DESCRIBE', url, { Authorization: header })).status, 200)
  t.equal((await good.request('DESCRIBE', url, { Authorization: header })).status, 401, 'replay')
  t.equal((await good.request('DESCRIBE', url, { Authorization: basicAuthorization('root', 'radar') })).status, 401, 'no Basic over plain RTSP')
  // Digest for another URI is refused.
  const other = good.digest?.authorization('DESCRIBE', base) ?? ''
  t.equal((await good.request('DESCRIBE', url, { Authorization: other })).status, 401)
})

t.test('RTSPS: TLS, Digest and Basic', async (t) => {
  const pems = await selfSigned()
  const { port, tlsPort, url, base } = await server(t, {}, pems)
  t.ok(tlsPort !== undefined && tlsPort !== port)
  const tlsUrl = url.replace(`rtsp://127.0.0.1:${port}`, `rtsps://127.0.0.1:${tlsPort}`)
  const tlsBase = base.replace(`rtsp://127.0.0.1:${port}`, `rtsps://127.0.0.1:${tlsPort}`)
  const b = await client(t, tlsPort as number, { tls: true, auth: false })
  const first = await b.request('DESCRIBE', tlsUrl)
  t.equal(first.status, 401)
  t.match(first.headers['www-authenticate'], /Digest realm=.*, Basic realm="AXIS_ACCC8E0D2210"/)
  const withBasic = await b.request('DESCRIBE', tlsUrl, { Authorization: basicAuthorization('root', 'radar') })
  t.equal(withBasic.status, 200)
  t.equal(withBasic.headers['content-base'], tlsBase)
  t.equal((await b.request('DESCRIBE', tlsUrl, { Authorization: basicAuthorization('root', 'wrong') })).status, 401)
  const c = await playing(t, tlsPort as number, tlsUrl, tlsBase, true)
  await c.until(() => documents(c).length >= 2, 5000, 'documents over TLS')
  t.equal(readFrame(documents(c)[0]).objects.length, 1)
})

t.test('session timeout closes the connection and forgets the session', async (t) => {
  const { srv, port, url, base } = await server(t, { sessionTimeoutMs: 300 })
  const c = await playing(t, port, url, base)
  t.match((await c.request('GET_PARAMETER', base)).headers.session, /;timeout=1$/, 'whole seconds, at least 1')
  t.equal(srv.stats().sessions, 1)
  await c.until(() => c.closed, 5000, 'timeout close')
  t.equal(srv.stats().sessions, 0)
  t.equal(srv.stats().connections, 0)
  // An idle connection without a session goes too.
  const idle = await client(t, port)
  await idle.until(() => idle.closed, 5000, 'idle close')
  t.pass('idle connection closed')
})

t.test('keep-alive requests hold the session open past the timeout', async (t) => {
  const { srv, port, url, base } = await server(t, { sessionTimeoutMs: 1000 })
  const c = await playing(t, port, url, base)
  const start = Date.now()
  while (Date.now() - start < 2500) {
    t.equal((await c.request('GET_PARAMETER', base)).status, 200)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(c.closed, false)
  t.equal(srv.stats().playing, 1)
})

t.test('a client that does not read: frames are skipped, memory stays bounded', async (t) => {
  const many = Array.from({ length: 50 }, (_, k) => testObject(k, String(k + 1)))
  const { srv, port, url, base } = await server(t, { source: { objectsAt: () => many }, rate: 200, maxWriteBufferBytes: 32 * 1024 })
  const c = await playing(t, port, url, base)
  c.socket.pause()
  // Once the kernel's socket buffers are full, data waits in the process; no more than the
  // bound plus one document may, however long the client does not read.
  const queued = (): number => srv.sessions()[0]?.queuedBytes ?? 0
  let most = 0
  await c.until(() => (most = Math.max(most, queued())) > 0, 20_000, 'backpressure')
  const skipped = srv.sessions()[0].framesSkipped
  await c.until(() => {
    most = Math.max(most, queued())
    return srv.sessions()[0].framesSkipped > skipped + 30
  }, 20_000, 'frames skipped under backpressure')
  t.ok(most <= 32 * 1024 + 128 * 1024, `at most ${most} bytes queued while paused`)
  c.socket.resume()
  await c.until(() => documents(c).length > 0, 5000, 'documents after resuming')
  t.equal(readFrame(documents(c)[0]).objects.length, 50)
})

t.test('the stream parser sees whole documents however TCP splits them', async (t) => {
  const { port, url, base } = await server(t)
  const c = await playing(t, port, url, base)
  await c.until(() => documents(c).length >= 3, 5000, 'documents')
  // Re-parse the same bytes split one byte at a time.
  const wire = Buffer.concat(c.frames.map((f) => Buffer.concat([Buffer.from([0x24, f.channel, f.payload.length >> 8, f.payload.length & 0xff]), f.payload])))
  const p = new RtspStreamParser()
  let n = 0
  for (let i = 0; i < wire.length; i++) n += p.push(wire.subarray(i, i + 1)).length
  t.equal(n, c.frames.length)
})
