/**
 * The simulated radar's RTSP 1.0 server (RFC 2326) for the ONVIF analytics
 * metadata stream, over TCP (RTSP) and TLS (RTSPS), as radar-link.md §3 and
 * §5 describe it.
 *
 * Resource: `/axis-media/media.amp?video=0&audio=0&event=off&analytics=polygon`.
 *  - `video=0` and `analytics=polygon` are required; `audio` (0) and `event`
 *    (off) are optional. A value this radar cannot serve (video=1, audio=1,
 *    event=on, analytics=other) answers 404 Not Found (no such stream here);
 *    an unknown or repeated parameter answers 400 Bad Request. Other paths 404.
 *  - DESCRIBE answers `Content-Base: rtsp://<host:port>/axis-media/media.amp/`
 *    and the SDP of §5 (`a=control:*`, one `m=application 0 RTP/AVP 98`,
 *    `a=control:stream=0`), so SETUP goes to `…/media.amp/stream=0`. The
 *    concatenated form ffmpeg builds when a base has a query
 *    (`…/media.amp?video=0…&analytics=polygon/stream=0`) is accepted too.
 *
 * Methods (RFC 2326 §10): OPTIONS (anonymous), DESCRIBE, SETUP, PLAY, PAUSE,
 * GET_PARAMETER (keep-alive), TEARDOWN. Every method but OPTIONS is
 * authenticated — Digest (RFC 7616 through ../vapix/digest.ts, `uri` = the
 * absolute request URL), and Basic over RTSPS only — as Axis devices do;
 * ffmpeg re-sends credentials on each request after the first 401 (spec §5).
 * ANNOUNCE, RECORD, REDIRECT and SET_PARAMETER answer 405; other methods 501.
 *
 * Session model (RFC 2326 Appendix A.1): one session per connection, since
 * RTP is interleaved on that connection (§10.12) and dies with it. SETUP
 * (only `RTP/AVP/TCP;unicast;interleaved=a-b`; anything else 461) creates it
 * in Ready; PLAY → Playing; PAUSE → Ready; TEARDOWN forgets it. A request for
 * a session this connection does not own answers 454; PLAY/PAUSE/TEARDOWN
 * without a Session header, and SETUP while Playing, answer 455.
 *
 * Timeout: `Session: <id>;timeout=60`. A connection from which nothing
 * (request, keep-alive, RTCP on the interleaved channel) arrives within the
 * timeout is closed and its session forgotten; so is an idle connection
 * without a session.
 *
 * Frames: after PLAY, one ONVIF document per 1/rate s (writeFrame), split
 * into RTP packets (PT 98, marker on the last, one timestamp per document,
 * 90 kHz clock) and interleaved on the SETUP channel. The scene content is
 * frame `index` of the source (0 at PLAY), so the same scenario and seed give
 * the same documents; UtcTime is the `clock` at send time. When the socket
 * does not drain (more than `maxWriteBufferBytes` queued), frames are skipped
 * whole — sequence numbers stay contiguous, the index advances.
 */
import net from 'node:net'
import tls from 'node:tls'
import { randomBytes, randomInt } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { RadarObject } from '../onvif/model.js'
import { writeFrame } from '../onvif/write.js'
import { DigestServer, safeEqual } from '../vapix/digest.js'
import {
  formatResponse, interleavedHeader, parseSessionHeader, parseTransport,
  type RtspHeaderInit, type RtspRequest
} from '../rtsp/message.js'
import { RtspParseError, RtspStreamParser } from '../rtsp/parser.js'
import { packetize } from '../rtsp/rtp.js'
import type { FaultSet } from './faults.js'
import type { Log } from '../common/log.js'

/** Frame content of one stream: `index` counts frames from the stream's start; it only grows (it may skip). */
export interface FrameStream {
  objectsAt: (index: number) => readonly RadarObject[]
}

/**
 * The scene: either pure (`objectsAt`, shared by every session: the same
 * index gives the same objects) or stateful, opened once per session
 * (`open`, e.g. the scene engine).
 */
export type FrameSource = FrameStream | { open: () => FrameStream }

const openStream = (source: FrameSource): FrameStream => 'open' in source ? source.open() : source

export interface RadarRtspServerOptions {
  /** Digest realm, `AXIS_<serial>`. */
  realm: string
  /** The password of a user, or undefined (the simulator applies `reject-auth` here). */
  passwordOf: (user: string) => string | undefined
  faults: FaultSet
  source: FrameSource
  /** Frames per second. Default 10 (radar-link.md §3). */
  rate?: number
  /** Wall clock for UtcTime, epoch ms (fractions give microseconds). Default Date.now. */
  clock?: () => number
  /**
   * Deterministic mode: a seed for the RTP SSRC, initial sequence number and
   * timestamp (default: random, RFC 3550 §5.1), and late timers send every
   * frame late instead of skipping ahead — so that with a fixed `clock` a
   * stream a client reads is byte-identical run to run. (Frames are still
   * skipped for a client that does not read.)
   */
  rtpSeed?: number
  /** Session (and idle connection) timeout. Default 60 s. */
  sessionTimeoutMs?: number
  /** Frames are skipped while more than this is queued on a socket. Default 256 KiB. */
  maxWriteBufferBytes?: number
  /** Simultaneous connections per listener. Default 64. */
  maxConnections?: number
  /** RTP payload bytes per packet. Default 1400. */
  maxRtpPayload?: number
  log?: Log
  /** Called when a session starts or stops playing (the radar's `networkPaired`). */
  onStreamingChange?: (streaming: boolean) => void
}

export interface RtspListenOptions {
  port: number
  host?: string
  /** PEM certificate and key: RTSPS. */
  tls?: { cert: string | Buffer, key: string | Buffer }
}

export interface RtspSessionInfo {
  id: string
  remote: string
  tls: boolean
  state: 'ready' | 'playing' | 'paused'
  framesSent: number
  framesSkipped: number
  /** Milliseconds since PLAY (0 before). */
  streamingMs: number
  /** Bytes waiting in this process for the socket (bounded: maxWriteBufferBytes plus one document). */
  queuedBytes: number
}

export interface RtspServerStats {
  connections: number
  sessions: number
  playing: number
  /** Totals since start. */
  framesSent: number
  framesSkipped: number
  bytesSent: number
}

const MEDIA_PATH = '/axis-media/media.amp'
const STREAM_CONTROL = 'stream=0'
const PAYLOAD_TYPE = 98
const RTP_CLOCK = 90_000
const PUBLIC = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, GET_PARAMETER, TEARDOWN'
const NOT_ALLOWED = new Set(['ANNOUNCE', 'RECORD', 'REDIRECT', 'SET_PARAMETER'])
const SERVER = 'Axis radar simulator (radar-pairing-emulator)'

/** Query parameters of the metadata stream: name → the only value served. */
const SERVED: Record<string, string> = { video: '0', audio: '0', event: 'off', analytics: 'polygon' }
const REQUIRED = ['video', 'analytics']

type Target =
  | { ok: true, kind: 'aggregate' | 'stream', base: string, query: boolean }
  | { ok: false, status: 400 | 404, why: string }

/**
 * Classifies a request URI against the one resource served (see the file
 * comment). `base` is the Content-Base: scheme://authority/axis-media/media.amp/.
 * A query, when present, must be valid; whether one is required is up to the
 * method (DESCRIBE needs it; SETUP, PLAY… may use the Content-Base forms).
 */
export function classifyUri (uri: string): Target {
  const m = /^(rtsps?):\/\/([^/?#\s]+)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(uri)
  if (!m) return { ok: false, status: 400, why: 'not an absolute rtsp:// or rtsps:// URL' }
  const base = `${m[1].toLowerCase()}://${m[2]}${MEDIA_PATH}/`
  let path = m[3] ?? '/'
  let query = m[4]
  let stream = false
  // ffmpeg appends "/stream=0" to a base with a query (spec §5).
  if (query !== undefined && query.endsWith('/' + STREAM_CONTROL)) {
    query = query.slice(0, -(STREAM_CONTROL.length + 1))
    stream = true
  }
  if (path === `${MEDIA_PATH}/${STREAM_CONTROL}`) {
    if (stream) return { ok: false, status: 404, why: `no resource ${path}` }
    stream = true
  } else if (path !== MEDIA_PATH && path !== MEDIA_PATH + '/') {
    return { ok: false, status: 404, why: `no resource ${path}` }
  }
  path = MEDIA_PATH
  if (query !== undefined && query !== '') {
    const seen = new Set<string>()
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=')
      let name: string
      let value: string
      try {
        name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
        value = decodeURIComponent(eq < 0 ? '' : pair.slice(eq + 1))
      } catch {
        return { ok: false, status: 400, why: 'bad percent-encoding in the query' }
      }
      if (!(name in SERVED)) return { ok: false, status: 400, why: `unknown parameter ${JSON.stringify(name)}` }
      if (seen.has(name)) return { ok: false, status: 400, why: `parameter ${name} given twice` }
      seen.add(name)
      if (value !== SERVED[name]) return { ok: false, status: 404, why: `${name}=${value} is not served by a radar` }
    }
    for (const r of REQUIRED) if (!seen.has(r)) return { ok: false, status: 404, why: `${r}=${SERVED[r]} is required` }
  }
  return { ok: true, kind: stream ? 'stream' : 'aggregate', base, query: query !== undefined && query !== '' }
}

/** UtcTime with microseconds, e.g. 2017-07-14T08:45:20.284189Z (spec §3). */
export function formatUtcTime (epochMs: number): string {
  const whole = Math.floor(epochMs)
  const micros = Math.min(999, Math.round((epochMs - whole) * 1000))
  const iso = new Date(whole).toISOString() // …:20.284Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`
}

/**
 * Makes a document not well-formed XML while keeping it a plausible payload
 * (the `malformed-xml` fault): the closing root tag is cut and an unclosed
 * element with a broken attribute takes its place.
 */
export function corruptDocument (xml: string): string {
  const cut = xml.lastIndexOf('</')
  return (cut > 0 ? xml.slice(0, cut) : xml) + '<tt:Frame UtcTime=>&broken'
}

/** xorshift32 for deterministic RTP identifiers. */
function seeded (seed: number): () => number {
  let s = (seed >>> 0) || 0x9e3779b9
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s
  }
}

interface Session {
  id: string
  state: 'ready' | 'playing' | 'paused'
  channel: number
  streamUrl: string
  ssrc: number
  seq: number
  tsBase: number
  index: number
  /** The scene of this session and the frame index at which it was opened. */
  stream: FrameStream | undefined
  streamBase: number
  playStart: number
  framesSent: number
  framesSkipped: number
  timer: NodeJS.Timeout | undefined
  nextAt: number
}

interface Connection {
  socket: net.Socket
  tls: boolean
  remote: string
  parser: RtspStreamParser
  session: Session | undefined
  idle: NodeJS.Timeout
  /** Responses held back by the `latency` fault, in order, each with its due time. */
  queue: Array<{ buf: Buffer, due: number, then?: () => void }>
  /** The one timer that releases `queue`. */
  sendTimer: NodeJS.Timeout | undefined
  stalled: boolean
  closed: boolean
}

export class RadarRtspServer {
  private readonly opts: Required<Omit<RadarRtspServerOptions, 'rtpSeed' | 'log' | 'onStreamingChange' | 'source'>> & Pick<RadarRtspServerOptions, 'log' | 'onStreamingChange'>
  private source: FrameSource
  private readonly digest: DigestServer
  private readonly servers: net.Server[] = []
  private readonly connections = new Set<Connection>()
  private readonly random: () => number
  private readonly totals = { framesSent: 0, framesSkipped: 0, bytesSent: 0 }
  private playingCount = 0
  private closing = false
  private readonly deterministic: boolean
  private readonly onFaults: () => void

  constructor (options: RadarRtspServerOptions) {
    const rate = options.rate ?? 10
    if (!(rate > 0 && rate <= 1000)) throw new RangeError(`rate ${rate} Hz out of (0, 1000]`)
    this.opts = {
      realm: options.realm,
      passwordOf: options.passwordOf,
      faults: options.faults,
      rate,
      clock: options.clock ?? Date.now,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 60_000,
      maxWriteBufferBytes: options.maxWriteBufferBytes ?? 256 * 1024,
      maxConnections: options.maxConnections ?? 64,
      maxRtpPayload: options.maxRtpPayload ?? 1400,
      log: options.log,
      onStreamingChange: options.onStreamingChange
    }
    if (!(this.opts.sessionTimeoutMs >= 100)) throw new RangeError('sessionTimeoutMs must be at least 100')
    this.source = options.source
    this.digest = new DigestServer({ realm: options.realm })
    this.deterministic = options.rtpSeed !== undefined
    const rng = options.rtpSeed === undefined ? undefined : seeded(options.rtpSeed)
    this.random = rng ?? (() => randomInt(0, 2 ** 32 - 1) >>> 0)
    // `refuse` set at run time: the radar goes away, open connections too.
    this.onFaults = () => { if (this.opts.faults.has('refuse')) for (const c of this.connections) this.destroy(c) }
    this.opts.faults.on('change', this.onFaults)
  }

  /**
   * Replaces the scene. Open sessions switch at once and see the new scene
   * from its beginning; their RTP timing continues.
   */
  setSource (source: FrameSource): void {
    this.source = source
    for (const c of this.connections) {
      const s = c.session
      if (s?.stream !== undefined) {
        s.stream = openStream(source)
        s.streamBase = s.index
      }
    }
  }

  /** True while at least one session plays. */
  get streaming (): boolean { return this.playingCount > 0 }

  /** Starts a listener (plain RTSP, or RTSPS with `tls`); resolves with the bound port. */
  async listen (opts: RtspListenOptions): Promise<number> {
    if (this.closing) throw new Error('RTSP server closed')
    const isTls = opts.tls !== undefined
    const server: net.Server = isTls
      ? tls.createServer({ cert: opts.tls?.cert, key: opts.tls?.key, handshakeTimeout: 10_000 }, (s) => this.accept(s, true))
      : net.createServer()
    server.maxConnections = this.opts.maxConnections
    // `refuse`: reset before anything (the TLS handshake included) happens.
    server.prependListener('connection', (s: net.Socket) => {
      if (this.opts.faults.has('refuse') || this.closing) s.resetAndDestroy()
      else if (!isTls) this.accept(s, false)
    })
    if (isTls) {
      server.on('tlsClientError', (err: Error) => { this.opts.log?.debug({ err: err.message }, 'RTSPS handshake failed') })
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (err) => { this.opts.log?.error({ err }, 'RTSP listener error') })
    this.servers.push(server)
    return (server.address() as net.AddressInfo).port
  }

  stats (): RtspServerStats {
    let sessions = 0
    for (const c of this.connections) if (c.session !== undefined) sessions++
    return { connections: this.connections.size, sessions, playing: this.playingCount, ...this.totals }
  }

  sessions (): RtspSessionInfo[] {
    const out: RtspSessionInfo[] = []
    const now = performance.now()
    for (const c of this.connections) {
      const s = c.session
      if (s === undefined) continue
      out.push({ id: s.id, remote: c.remote, tls: c.tls, state: s.state, framesSent: s.framesSent, framesSkipped: s.framesSkipped, streamingMs: s.state === 'ready' ? 0 : Math.round(now - s.playStart), queuedBytes: c.socket.writableLength })
    }
    return out
  }

  /** Closes every listener, connection and timer. */
  async close (): Promise<void> {
    if (this.closing) return
    this.closing = true
    this.opts.faults.off('change', this.onFaults)
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))
    for (const c of this.connections) this.destroy(c)
    await Promise.all(closed)
  }

  // --- connections -------------------------------------------------------

  private accept (socket: net.Socket, isTls: boolean): void {
    if (this.closing || this.opts.faults.has('refuse') || socket.destroyed) { socket.destroy(); return }
    socket.setNoDelay(true)
    const conn: Connection = {
      socket,
      tls: isTls,
      remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      parser: new RtspStreamParser(),
      session: undefined,
      idle: setTimeout(() => {
        this.opts.log?.info({ remote: conn.remote, session: conn.session?.id }, 'RTSP session timed out')
        this.destroy(conn)
      }, this.opts.sessionTimeoutMs),
      queue: [],
      sendTimer: undefined,
      stalled: false,
      closed: false
    }
    this.connections.add(conn)
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk))
    socket.on('error', (err) => { this.opts.log?.debug({ remote: conn.remote, err: err.message }, 'RTSP socket error') })
    socket.on('close', () => this.forget(conn))
    socket.on('end', () => { socket.end() })
  }

  private onData (conn: Connection, chunk: Buffer): void {
    if (conn.closed || conn.parser.failed) return
    conn.idle.refresh() // any data keeps the session alive (requests, RTCP)
    let items
    try {
      items = conn.parser.push(chunk)
    } catch (err) {
      if (!(err instanceof RtspParseError)) throw err
      for (const item of (err as RtspParseError & { parsed?: typeof items }).parsed ?? []) {
        if (item.kind === 'request') this.onRequest(conn, item)
      }
      this.opts.log?.info({ remote: conn.remote, code: err.code }, 'malformed RTSP input; closing')
      // Framing is lost: stop streaming, answer once, close.
      this.endSession(conn)
      this.send(conn, formatResponse({ status: err.status, headers: this.common() }), () => { conn.socket.end() })
      return
    }
    for (const item of items) {
      if (item.kind === 'request') this.onRequest(conn, item)
      // Interleaved data from the client (RTCP receiver reports) only refreshes the timeout.
      // Responses from the client are not expected; ignored.
    }
  }

  private destroy (conn: Connection): void {
    conn.socket.destroy()
    this.forget(conn)
  }

  private forget (conn: Connection): void {
    if (conn.closed) return
    conn.closed = true
    clearTimeout(conn.idle)
    clearTimeout(conn.sendTimer)
    conn.sendTimer = undefined
    conn.queue = []
    if (conn.session !== undefined) this.endSession(conn)
    this.connections.delete(conn)
  }

  // --- writing -----------------------------------------------------------

  private common (): Record<string, string> {
    return { Server: SERVER, Date: new Date(this.opts.clock()).toUTCString() }
  }

  /**
   * Writes a response after the `latency` fault's delay. Answers leave in
   * request order even when the delay changes in between (a due time is
   * never earlier than the one before it). Nothing is written while the
   * connection is stalled. `then` runs after the write.
   */
  private send (conn: Connection, buf: Buffer, then?: () => void): void {
    if (conn.closed) return
    const delay = this.opts.faults.get('latency')?.ms ?? 0
    if (delay === 0 && conn.queue.length === 0) { this.write(conn, buf, then); return }
    const last = conn.queue[conn.queue.length - 1]
    const due = Math.max(performance.now() + delay, last?.due ?? 0)
    conn.queue.push({ buf, due, then })
    if (conn.sendTimer === undefined) this.scheduleQueue(conn)
  }

  private scheduleQueue (conn: Connection): void {
    const head = conn.queue[0]
    if (head === undefined || conn.closed) { conn.sendTimer = undefined; return }
    conn.sendTimer = setTimeout(() => {
      const now = performance.now()
      while (conn.queue.length > 0 && conn.queue[0].due <= now + 1 && !conn.closed) {
        const item = conn.queue.shift() as { buf: Buffer, then?: () => void }
        this.write(conn, item.buf, item.then)
      }
      this.scheduleQueue(conn)
    }, Math.max(0, head.due - performance.now()))
  }

  private write (conn: Connection, buf: Buffer, then?: () => void): void {
    if (conn.closed || conn.stalled) return
    conn.socket.write(buf)
    this.totals.bytesSent += buf.length
    // A client that never reads while sending requests: do not buffer without bound.
    if (conn.socket.writableLength > 4 * this.opts.maxWriteBufferBytes) { this.destroy(conn); return }
    then?.()
  }

  private respond (conn: Connection, req: RtspRequest, status: number, headers: RtspHeaderInit = {}, body?: string, then?: () => void): void {
    this.send(conn, formatResponse({ status, cseq: req, headers: { ...this.common(), ...headers }, body }), then)
  }

  // --- requests ----------------------------------------------------------

  private onRequest (conn: Connection, req: RtspRequest): void {
    const log = this.opts.log
    log?.debug({ remote: conn.remote, method: req.method, uri: req.uri, cseq: req.headers.cseq, credentials: req.headers.authorization !== undefined }, 'RTSP request')
    // RFC 2326 §12.17: CSeq is required in every request.
    if (req.headers.cseq === undefined || !/^\d+$/.test(req.headers.cseq.trim())) {
      this.respond(conn, req, 400, {}, undefined)
      return
    }
    if (req.version !== 'RTSP/1.0') { this.respond(conn, req, 505); return }
    const method = req.method
    if (method === 'OPTIONS') { this.options(conn, req); return }
    if (NOT_ALLOWED.has(method)) { this.respond(conn, req, 405, { Allow: PUBLIC }); return }
    if (!['DESCRIBE', 'SETUP', 'PLAY', 'PAUSE', 'GET_PARAMETER', 'TEARDOWN'].includes(method)) { this.respond(conn, req, 501); return }

    // Authenticate everything but OPTIONS (Axis devices do; spec §3 and §5).
    if (!this.authenticate(conn, req)) return

    // Session header (RFC 2326 §12.37): must name this connection's session.
    const sessionHeader = req.headers.session
    if (sessionHeader !== undefined) {
      const parsed = parseSessionHeader(sessionHeader)
      if (parsed === undefined || conn.session === undefined || !safeEqual(parsed.id, conn.session.id)) {
        this.respond(conn, req, 454)
        return
      }
    }
    switch (method) {
      case 'DESCRIBE': this.describe(conn, req); break
      case 'SETUP': this.setup(conn, req); break
      case 'PLAY': this.play(conn, req); break
      case 'PAUSE': this.pause(conn, req); break
      case 'GET_PARAMETER': this.getParameter(conn, req); break
      case 'TEARDOWN': this.teardown(conn, req); break
    }
  }

  private options (conn: Connection, req: RtspRequest): void {
    const sessionHeader = req.headers.session
    if (sessionHeader !== undefined) {
      const parsed = parseSessionHeader(sessionHeader)
      if (parsed === undefined || conn.session === undefined || parsed.id !== conn.session.id) { this.respond(conn, req, 454); return }
      this.respond(conn, req, 200, { Public: PUBLIC, Session: this.sessionValue(conn.session) })
      return
    }
    this.respond(conn, req, 200, { Public: PUBLIC })
  }

  /** Digest (RFC 7616) on every request; Basic (RFC 7617) over RTSPS only. Answers 401 itself. */
  private authenticate (conn: Connection, req: RtspRequest): boolean {
    const header = req.headers.authorization
    const challenge = (stale: boolean): void => {
      const values = [this.digest.challenge(stale)]
      if (conn.tls) values.push(`Basic realm="${this.opts.realm}"`)
      this.respond(conn, req, 401, { 'WWW-Authenticate': values })
    }
    if (header === undefined || header.trim() === '') { challenge(false); return false }
    const scheme = header.trimStart().slice(0, 7).toLowerCase()
    if (scheme === 'digest ') {
      const result = this.digest.verify(header, req.method, req.uri, this.opts.passwordOf)
      if (result.ok) return true
      this.opts.log?.info({ remote: conn.remote, user: result.username, reason: result.reason }, 'RTSP authentication failed')
      challenge(result.stale)
      return false
    }
    if (scheme.startsWith('basic ') && conn.tls) {
      const decoded = Buffer.from(header.trim().slice(6).trim(), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const user = colon < 0 ? decoded : decoded.slice(0, colon)
      const expected = this.opts.passwordOf(user)
      const ok = colon >= 0 && expected !== undefined && safeEqual(expected, decoded.slice(colon + 1))
      if (ok) return true
      this.opts.log?.info({ remote: conn.remote, user }, 'RTSP Basic authentication failed')
    }
    challenge(false)
    return false
  }

  private target (conn: Connection, req: RtspRequest): Target & { ok: true } | undefined {
    const t = classifyUri(req.uri)
    if (!t.ok) {
      this.opts.log?.info({ remote: conn.remote, method: req.method, uri: req.uri, why: t.why }, 'RTSP request for an unknown resource')
      this.respond(conn, req, t.status)
      return undefined
    }
    return t
  }

  private describe (conn: Connection, req: RtspRequest): void {
    const t = this.target(conn, req)
    if (t === undefined) return
    // The bare media URL means video (the Axis default), which a radar does not serve.
    if (t.kind !== 'aggregate' || !t.query) { this.respond(conn, req, 404); return }
    const accept = req.headers.accept
    if (accept !== undefined && !/(^|,)\s*(application\/sdp|application\/\*|\*\/\*)\s*(;|,|$)/i.test(accept)) {
      this.respond(conn, req, 406)
      return
    }
    const fault = this.opts.faults.get('rtsp-5xx')
    if (fault !== undefined) { this.respond(conn, req, fault.status); return }
    const addr = conn.socket.localAddress ?? '0.0.0.0'
    const ipv = net.isIPv6(addr) ? 'IP6' : 'IP4'
    // RFC 4566 SDP in the shape spec §5 measured with ffmpeg.
    const sdp = [
      'v=0',
      `o=- ${this.sdpSessionId} 1 IN ${ipv} ${addr}`,
      's=Radar metadata stream',
      `c=IN ${ipv} ${ipv === 'IP6' ? '::' : '0.0.0.0'}`,
      't=0 0',
      'a=control:*',
      'a=range:npt=now-',
      `m=application 0 RTP/AVP ${PAYLOAD_TYPE}`,
      `a=rtpmap:${PAYLOAD_TYPE} vnd.onvif.metadata/${RTP_CLOCK}`,
      `a=control:${STREAM_CONTROL}`,
      'a=recvonly',
      ''
    ].join('\r\n')
    this.respond(conn, req, 200, { 'Content-Base': t.base, 'Content-Type': 'application/sdp' }, sdp)
  }

  private readonly sdpSessionId = String(randomInt(1, 2 ** 47))

  private setup (conn: Connection, req: RtspRequest): void {
    const t = this.target(conn, req)
    if (t === undefined) return
    if (t.kind !== 'stream') { this.respond(conn, req, 459); return }
    const existing = conn.session
    if (existing !== undefined && req.headers.session === undefined) { this.respond(conn, req, 455); return } // one session per connection
    if (existing !== undefined && existing.state !== 'ready') { this.respond(conn, req, 455); return }
    const transport = req.headers.transport
    if (transport === undefined) { this.respond(conn, req, 400); return }
    const spec = parseTransport(transport).find((s) => s.protocol === 'RTP/AVP/TCP' && s.unicast && s.interleaved !== undefined)
    if (spec === undefined || spec.interleaved === undefined) { this.respond(conn, req, 461); return }
    const [rtp, rtcp] = spec.interleaved
    if (rtp > 255 || rtcp > 255) { this.respond(conn, req, 461); return }
    const session: Session = existing ?? {
      id: randomBytes(8).toString('hex').toUpperCase(),
      state: 'ready',
      channel: rtp,
      streamUrl: t.base + STREAM_CONTROL,
      ssrc: this.random(),
      seq: this.random() & 0xffff,
      tsBase: this.random(),
      index: 0,
      stream: undefined,
      streamBase: 0,
      playStart: 0,
      framesSent: 0,
      framesSkipped: 0,
      timer: undefined,
      nextAt: 0
    }
    session.channel = rtp
    conn.session = session
    const ssrcHex = session.ssrc.toString(16).padStart(8, '0').toUpperCase()
    this.respond(conn, req, 200, {
      Transport: `RTP/AVP/TCP;unicast;interleaved=${rtp}-${rtcp};ssrc=${ssrcHex};mode="PLAY"`,
      Session: this.sessionValue(session)
    })
  }

  private sessionValue (s: Session): string {
    return `${s.id};timeout=${Math.max(1, Math.round(this.opts.sessionTimeoutMs / 1000))}`
  }

  private play (conn: Connection, req: RtspRequest): void {
    const t = this.target(conn, req)
    if (t === undefined) return
    const s = conn.session
    if (s === undefined || req.headers.session === undefined) { this.respond(conn, req, 455); return }
    const rtptime = this.rtpTime(s, s.index)
    const headers: RtspHeaderInit = {
      Session: this.sessionValue(s),
      Range: 'npt=now-',
      'RTP-Info': `url=${s.streamUrl};seq=${s.seq};rtptime=${rtptime}`
    }
    if (s.state === 'playing') { this.respond(conn, req, 200, headers); return }
    // Start sending once the PLAY answer is on the wire.
    this.respond(conn, req, 200, headers, undefined, () => { this.startStreaming(conn, s) })
  }

  private pause (conn: Connection, req: RtspRequest): void {
    const t = this.target(conn, req)
    if (t === undefined) return
    const s = conn.session
    if (s === undefined || req.headers.session === undefined) { this.respond(conn, req, 455); return }
    this.stopStreaming(s, 'paused')
    this.respond(conn, req, 200, { Session: this.sessionValue(s) })
  }

  private getParameter (conn: Connection, req: RtspRequest): void {
    // An empty GET_PARAMETER is the keep-alive ping (RFC 2326 §10.8); no parameters are served.
    if (req.body.length > 0 && req.body.toString('utf8').trim() !== '') { this.respond(conn, req, 451); return }
    const s = conn.session
    this.respond(conn, req, 200, s !== undefined && req.headers.session !== undefined ? { Session: this.sessionValue(s) } : {})
  }

  private teardown (conn: Connection, req: RtspRequest): void {
    const t = this.target(conn, req)
    if (t === undefined) return
    if (conn.session === undefined || req.headers.session === undefined) { this.respond(conn, req, 455); return }
    this.endSession(conn)
    this.respond(conn, req, 200)
  }

  // --- streaming ---------------------------------------------------------

  private rtpTime (s: Session, index: number): number {
    return (s.tsBase + Math.round(index * RTP_CLOCK / this.opts.rate)) >>> 0
  }

  private startStreaming (conn: Connection, s: Session): void {
    if (conn.closed || conn.session !== s || s.state === 'playing') return
    if (s.state === 'ready') s.playStart = performance.now()
    if (s.stream === undefined) {
      s.stream = openStream(this.source)
      s.streamBase = s.index
    }
    s.state = 'playing'
    this.playingCount++
    if (this.playingCount === 1) this.opts.onStreamingChange?.(true)
    s.nextAt = performance.now()
    this.tick(conn, s)
  }

  private stopStreaming (s: Session, next: 'ready' | 'paused'): void {
    if (s.timer !== undefined) { clearTimeout(s.timer); s.timer = undefined }
    if (s.state === 'playing') {
      this.playingCount--
      if (this.playingCount === 0) this.opts.onStreamingChange?.(false)
    }
    s.state = next
  }

  private endSession (conn: Connection): void {
    const s = conn.session
    if (s === undefined) return
    this.stopStreaming(s, 'ready')
    conn.session = undefined
  }

  private tick (conn: Connection, s: Session): void {
    s.timer = undefined
    if (conn.closed || s.state !== 'playing') return
    const faults = this.opts.faults
    const elapsed = performance.now() - s.playStart
    const drop = faults.get('drop-after')
    if (drop !== undefined && elapsed >= drop.afterMs) {
      this.opts.log?.info({ remote: conn.remote, session: s.id }, 'fault drop-after: closing the RTSP connection')
      this.destroy(conn)
      return
    }
    const stall = faults.get('stall-after')
    if (stall !== undefined && elapsed >= stall.afterMs) {
      // Nothing more is sent on this connection (frames or answers); the socket stays open.
      this.opts.log?.info({ remote: conn.remote, session: s.id }, 'fault stall-after: connection stalled')
      conn.stalled = true
      return
    }
    this.sendFrame(conn, s, elapsed)
    s.index++
    // Schedule against the ideal time so the rate does not drift; after a long
    // block, skip ahead rather than burst (except in deterministic mode).
    const period = 1000 / this.opts.rate
    s.nextAt += period
    const now = performance.now()
    if (s.nextAt < now - period && !this.deterministic) {
      const behind = Math.floor((now - s.nextAt) / period)
      s.index += behind
      s.framesSkipped += behind
      this.totals.framesSkipped += behind
      s.nextAt += behind * period
    }
    s.timer = setTimeout(() => this.tick(conn, s), Math.max(0, s.nextAt - now))
  }

  private sendFrame (conn: Connection, s: Session, elapsed: number): void {
    const socket = conn.socket
    if (socket.writableLength > this.opts.maxWriteBufferBytes || conn.stalled) {
      s.framesSkipped++
      this.totals.framesSkipped++
      return
    }
    const objects = (s.stream as FrameStream).objectsAt(s.index - s.streamBase)
    let xml = writeFrame({ utcTime: formatUtcTime(this.opts.clock()), objects: objects as RadarObject[] })
    const malformed = this.opts.faults.get('malformed-xml')
    if (malformed !== undefined && elapsed >= malformed.afterMs) xml = corruptDocument(xml)
    const packets = packetize(Buffer.from(xml, 'utf8'), {
      sequenceNumber: s.seq,
      timestamp: this.rtpTime(s, s.index),
      ssrc: s.ssrc,
      payloadType: PAYLOAD_TYPE,
      maxPayload: this.opts.maxRtpPayload
    })
    s.seq = (s.seq + packets.length) & 0xffff
    // One write per document: interleaved header + packet, back to back (RFC 2326 §10.12).
    const parts: Buffer[] = []
    let size = 0
    for (const p of packets) {
      parts.push(interleavedHeader(s.channel, p.length), p)
      size += 4 + p.length
    }
    socket.write(Buffer.concat(parts, size))
    s.framesSent++
    this.totals.framesSent++
    this.totals.bytesSent += size
  }
}
