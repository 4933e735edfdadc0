/**
 * Radar-side hostility (issue #7): a "radar" that sends garbage, endless
 * headers, gigantic RTP lengths, XML bombs, or never answers. The link must
 * land in the right state, keep its memory bounded, and stop cleanly.
 * The VAPIX side is the simulator's real HTTP app; the RTSP side is a raw
 * scripted server that misbehaves on purpose.
 */
import t from 'tap'
import { createServer, type Server, type Socket, type AddressInfo } from 'node:net'
import { buildRadarHttpApp, radarParams } from '../../src/radar-sim/http-app.js'
import { FaultSet } from '../../src/radar-sim/faults.js'
import { UserStore } from '../../src/vapix/users.js'
import { RtspStreamParser } from '../../src/rtsp/parser.js'
import { formatResponse, interleavedHeader } from '../../src/rtsp/message.js'
import { encodeRtp } from '../../src/rtsp/rtp.js'
import { runLink, until, SILENT, TEST_PROPERTIES, RADAR_USER, RADAR_PASSWORD } from './sim-helper.js'

type Behaviour = (socket: Socket) => void

async function rawServer (behaviour: Behaviour): Promise<{ port: number, server: Server, sockets: Set<Socket>, close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    behaviour(s)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    server,
    sockets,
    close: async () => { for (const s of sockets) s.destroy(); await new Promise((resolve) => server.close(resolve)) }
  }
}

/** The radar's real VAPIX app, advertising `rtspPort` for the stream. */
async function vapix (rtspPort: number) {
  const app = await buildRadarHttpApp({
    serial: 'ACCC8E0D2210',
    users: new UserStore([{ name: RADAR_USER, password: RADAR_PASSWORD, role: 'admin' }]),
    faults: new FaultSet(),
    properties: () => ({ ...TEST_PROPERTIES, networkPaired: false }),
    params: () => radarParams({ serial: 'ACCC8E0D2210', rtspPort, rtspTimeoutS: 60 }),
    logger: SILENT
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port }
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=radar\r\nt=0 0\r\na=control:*\r\nm=application 0 RTP/AVP 98\r\na=rtpmap:98 vnd.onvif.metadata/90000\r\na=control:stream=0\r\n'

/** Answers OPTIONS/DESCRIBE/SETUP/PLAY like a radar (no auth), then runs `afterPlay`. */
function scriptedRtsp (afterPlay: (s: Socket) => void): Behaviour {
  return (s) => {
    const parser = new RtspStreamParser()
    s.on('data', (chunk: Buffer) => {
      let items
      try { items = parser.push(chunk) } catch { s.destroy(); return }
      for (const m of items) {
        if (m.kind !== 'request') continue
        const base = { status: 200, cseq: m }
        if (m.method === 'DESCRIBE') {
          s.write(formatResponse({ ...base, headers: { 'Content-Type': 'application/sdp', 'Content-Base': m.uri + '/' }, body: Buffer.from(SDP) }))
        } else if (m.method === 'SETUP') {
          s.write(formatResponse({ ...base, headers: { Session: '12345678;timeout=60', Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' } }))
        } else if (m.method === 'PLAY') {
          s.write(formatResponse({ ...base, headers: { Session: '12345678' } }))
          afterPlay(s)
        } else if (m.method === 'TEARDOWN') {
          s.write(formatResponse(base))
        } else {
          s.write(formatResponse({ ...base, headers: { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' } }))
        }
      }
    })
  }
}

const rtp = (payload: Buffer, seq: number, marker: boolean): Buffer => {
  const packet = encodeRtp({ payloadType: 98, sequenceNumber: seq, timestamp: seq * 9000, ssrc: 1, marker }, payload)
  return Buffer.concat([interleavedHeader(0, packet.length), packet])
}

async function scenario (t: Parameters<Parameters<typeof import('tap')['test']>[0] extends infer F ? (F extends (t: infer T) => unknown ? (t: T) => void : never) : never>[0], rtspBehaviour: Behaviour, expected: string, cause: RegExp): Promise<void> {
  const raw = await rawServer(rtspBehaviour)
  const radar = await vapix(raw.port)
  const rssBefore = process.memoryUsage().rss
  const link = runLink({ address: `127.0.0.1:${radar.port}` })
  try {
    const r = await link.waitState(expected, 10_000, cause)
    t.match(r.cause, cause)
    t.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, 'memory stays bounded')
  } finally {
    await link.stop()
    // The server sees the close one event-loop turn later.
    await until(() => raw.sockets.size === 0, 2000, 'server-side sockets closed').catch(() => {})
    t.equal(raw.sockets.size, 0, 'link closed its sockets on stop')
    await raw.close()
    await radar.app.close()
  }
}

t.test('garbage instead of RTSP answers → transfer-failed', (t) =>
  scenario(t, (s) => { s.on('data', () => s.write(Buffer.from('\x00\xff garbage \r\n\r\n'.repeat(50), 'latin1'))) }, 'transfer-failed', /malformed RTSP|RTSP/))

t.test('endless RTSP headers → transfer-failed, bounded', (t) =>
  scenario(t, (s) => {
    s.once('data', () => {
      s.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\n')
      const line = Buffer.from('X-Padding: ' + 'a'.repeat(1000) + '\r\n')
      const pump = setInterval(() => { if (s.destroyed) { clearInterval(pump); return } for (let i = 0; i < 64; i++) s.write(line) }, 5)
      s.on('close', () => clearInterval(pump))
    })
  }, 'transfer-failed', /malformed RTSP|header/i))

t.test('gigantic RTP documents (never a marker bit) → transfer-failed, bounded', (t) =>
  scenario(t, scriptedRtsp((s) => {
    let seq = 0
    const chunk = Buffer.alloc(60_000, 0x41)
    const pump = setInterval(() => { if (s.destroyed) { clearInterval(pump); return } for (let i = 0; i < 8; i++) s.write(rtp(chunk, seq++ & 0xffff, false)) }, 5)
    s.on('close', () => clearInterval(pump))
  }), 'transfer-failed', /malformed|large|size|RTP|frame/i))

t.test('an XML bomb as a frame → transfer-failed without expansion', (t) => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>' +
    '<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema"><tt:VideoAnalytics><tt:Frame UtcTime="&lol4;"/></tt:VideoAnalytics></tt:MetadataStream>'
  return scenario(t, scriptedRtsp((s) => { s.write(rtp(Buffer.from(bomb), 1, true)) }), 'transfer-failed', /malformed frame/)
})

t.test('an RTSP server that never answers → transfer-failed', (t) =>
  scenario(t, (s) => { s.resume() /* read and never answer */ }, 'transfer-failed', /within|no answer|timed out/i))

t.test('an HTTP side that never answers, or answers garbage', async (t) => {
  const silent = await rawServer((s) => { s.resume() })
  let link = runLink({ address: `127.0.0.1:${silent.port}` })
  const r1 = await link.waitState('connect-failed', 10_000)
  t.match(r1.cause, /no answer from param\.cgi/)
  await link.stop()
  await silent.close()

  const garbage = await rawServer((s) => { s.on('data', () => { s.write('NOT HTTP AT ALL\r\n\r\n'); s.end() }) })
  link = runLink({ address: `127.0.0.1:${garbage.port}` })
  await until(() => link.reports.all.length > 0, 10_000, 'a report')
  const r2 = link.reports.all[0]
  t.equal(r2.state, 'connect-failed', `garbage HTTP → ${r2.state} (${r2.cause})`)
  t.notMatch(r2.state, 'ok')
  await link.stop()
  await until(() => garbage.sockets.size === 0, 2000, 'server-side sockets closed').catch(() => {})
  t.equal(garbage.sockets.size, 0)
  await garbage.close()
})
