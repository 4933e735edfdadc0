/**
 * Step 5, stream (radar-link.md §1, §3, §5): one RTSP 1.0 (or RTSPS)
 * session for the radar's metadata — OPTIONS, DESCRIBE (Digest on 401),
 * SETUP with RTP/AVP/TCP interleaved, PLAY, keep-alive within the session
 * timeout, frames through the FramePipeline, TEARDOWN on stop.
 *
 * Every failure of the session becomes one `transfer-failed` LinkFailure on
 * `ended` (a 401 after answering the challenge is `authentication-failed`):
 * refusal, RTSP error statuses, lost connection, malformed data, no answer
 * within `requestMs`, no frame for `frameMs`.
 */
import type { Socket } from 'node:net'
import { formatRequest, getHeader, parseSessionHeader, parseTransport, type RtspMessage, type RtspResponse } from '../rtsp/message.js'
import { RtspParseError } from '../rtsp/parser.js'
import { RtpError } from '../rtsp/rtp.js'
import { MalformedFrameError } from '../onvif/read.js'
import { DigestClient, basicAuthorization, parseChallenges } from '../vapix/digest.js'
import type { TrackFrame } from '../tracks/model.js'
import { LinkAborted, LinkFailure, formatMs, hostPort, ioCause, noFrameCause, statusCause } from './causes.js'
import { connectEndpoint } from './connect.js'
import { createFramePipeline, type FramePipeline } from './frame-pipeline.js'
import type { Endpoint } from './resolve.js'
import type { Scope } from './scope.js'
import { SdpError, findMetadataMedia, parseSdp, resolveControl } from './sdp.js'
import type { TlsPolicy } from './tls-policy.js'

export const MEDIA_PATH = '/axis-media/media.amp?video=0&audio=0&event=off&analytics=polygon'
const USER_AGENT = 'radar-pairing-emulator'

/** The metadata stream URL (radar-link.md §3). */
export function streamUrl (host: string, port: number, tls: boolean): string {
  return `${tls ? 'rtsps' : 'rtsp'}://${hostPort(host, port)}${MEDIA_PATH}`
}

/** Cause for an error thrown by the frame pipeline. */
export function streamErrorCause (err: unknown): string {
  if (err instanceof MalformedFrameError) return `malformed frame: ${err.message}`
  if (err instanceof RtpError) return `malformed RTP: ${err.message}`
  if (err instanceof RtspParseError) return `malformed RTSP stream: ${err.message}`
  return `stream error: ${(err as Error)?.message ?? String(err)}`
}

export interface RtspSessionOptions {
  scope: Scope
  endpoint: Endpoint
  port: number
  tls: TlsPolicy | null
  user: string
  password: string
  connectMs: number
  requestMs: number
  frameMs: number
  /** Session timeout to assume when SETUP names none (s). */
  defaultTimeoutS: number
  /** Every frame, in order. */
  onFrame: (frame: TrackFrame) => void
}

interface Pending {
  method: string
  resolve: (res: RtspResponse) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | undefined
}

export class RtspSession {
  /** Rejects with the LinkFailure that ends the session (never resolves). */
  readonly ended: Promise<never>
  private fail!: (f: Error) => void
  private failure: Error | undefined
  private socket: Socket | undefined
  private readonly pipeline: FramePipeline
  private readonly pending = new Map<number, Pending>()
  private readonly digest: DigestClient
  private basic = false
  private cseq = 0
  private session: string | undefined
  private base: string
  private readonly url: string
  private keepAliveMethod = 'OPTIONS'
  private keepAliveTimer: NodeJS.Timeout | undefined
  private watchdog: NodeJS.Timeout | undefined
  private lastFrameAt = 0
  private timeoutS: number

  constructor (private readonly o: RtspSessionOptions) {
    this.url = streamUrl(o.endpoint.host, o.port, o.tls !== null)
    this.base = this.url
    this.timeoutS = o.defaultTimeoutS
    this.digest = new DigestClient(o.user, o.password)
    this.ended = new Promise<never>((_resolve, reject) => {
      this.fail = (f) => {
        if (this.failure !== undefined) return
        this.failure = f
        reject(f)
        this.shutdown(f)
      }
    })
    this.ended.catch(() => {})
    const onFrame = o.onFrame
    this.pipeline = createFramePipeline((frame) => {
      this.lastFrameAt = frame.receivedMs
      onFrame(frame)
    }, { onMessage: (msg) => this.onMessage(msg) })
    o.scope.onAbort(() => this.fail(new LinkAborted()))
  }

  /** Connects and starts playing; rejects with the session's failure. */
  async open (): Promise<void> {
    const { scope } = this.o
    const socket = await connectEndpoint({
      scope,
      endpoint: this.o.endpoint,
      port: this.o.port,
      tls: this.o.tls,
      timeoutMs: this.o.connectMs,
      failState: 'transfer-failed',
      causePrefix: 'RTSP '
    })
    this.socket = socket
    const peer = hostPort(socket.remoteAddress ?? this.o.endpoint.host, socket.remotePort ?? this.o.port)
    socket.on('data', (chunk: Buffer) => {
      try {
        this.pipeline.push(chunk)
      } catch (err) {
        this.fail(new LinkFailure('transfer-failed', streamErrorCause(err)))
      }
    })
    socket.on('error', (err) => this.fail(new LinkFailure('transfer-failed', `RTSP ${ioCause(err, socket.remoteAddress ?? this.o.endpoint.host, socket.remotePort ?? this.o.port)}`)))
    socket.on('close', () => this.fail(new LinkFailure('transfer-failed', `RTSP connection closed by ${peer}`)))
    if (this.failure !== undefined) throw this.failure

    const options = await this.request('OPTIONS', this.url, {})
    this.expectOk(options, 'OPTIONS')
    const methods = (getHeader(options, 'public') ?? '').toUpperCase().split(',').map((s) => s.trim())
    if (methods.includes('GET_PARAMETER')) this.keepAliveMethod = 'GET_PARAMETER'

    const describe = await this.request('DESCRIBE', this.url, { Accept: 'application/sdp' })
    this.expectOk(describe, 'DESCRIBE')
    this.base = getHeader(describe, 'content-base') ?? getHeader(describe, 'content-location') ?? this.url
    let control: string | undefined
    try {
      const sdp = parseSdp(describe.body.toString('utf8'))
      const media = findMetadataMedia(sdp)
      if (media === undefined) throw new LinkFailure('transfer-failed', 'SDP from RTSP DESCRIBE has no ONVIF metadata stream')
      control = media.control
      if (sdp.control !== undefined && sdp.control !== '*' && /^[a-z]+:\/\//i.test(sdp.control)) this.base = sdp.control
    } catch (err) {
      if (err instanceof SdpError) throw this.failNow(new LinkFailure('transfer-failed', `malformed SDP from RTSP DESCRIBE: ${err.message}`))
      throw this.failNow(err as Error)
    }

    const setup = await this.request('SETUP', resolveControl(this.base, control), { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
    this.expectOk(setup, 'SETUP')
    const sessionHeader = getHeader(setup, 'session')
    const session = sessionHeader === undefined ? undefined : parseSessionHeader(sessionHeader)
    if (session === undefined) throw this.failNow(new LinkFailure('transfer-failed', 'RTSP SETUP answer has no valid Session header'))
    this.session = session.id
    if (session.timeout !== undefined && session.timeout > 0) this.timeoutS = session.timeout
    const transport = parseTransport(getHeader(setup, 'transport') ?? '')[0]
    if (transport?.interleaved !== undefined) this.pipeline.channel = transport.interleaved[0]
    else if (transport !== undefined && !transport.protocol.endsWith('/TCP')) {
      throw this.failNow(new LinkFailure('transfer-failed', `RTSP SETUP answered with transport ${transport.protocol}, not interleaved TCP`))
    }

    this.lastFrameAt = Date.now()
    this.armWatchdog(this.o.frameMs)
    const play = await this.request('PLAY', this.base, { Session: this.session, Range: 'npt=0.000-' })
    this.expectOk(play, 'PLAY')
    this.scheduleKeepAlive()
  }

  /**
   * Best effort: sends TEARDOWN and waits at most `ms` for its answer (or
   * the connection to close). Never rejects.
   */
  async teardown (ms: number): Promise<void> {
    const socket = this.socket
    if (this.session === undefined || socket === undefined || this.failure !== undefined || !socket.writable) return
    const cseq = ++this.cseq
    const headers: Record<string, string> = { Session: this.session, 'User-Agent': USER_AGENT }
    const auth = this.credentials('TEARDOWN', this.base)
    if (auth !== undefined) headers.Authorization = auth
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.pending.delete(cseq)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.pending.set(cseq, { method: 'TEARDOWN', resolve: done, reject: done, timer: undefined })
      try {
        socket.write(formatRequest({ method: 'TEARDOWN', uri: this.base, cseq, headers }))
      } catch {
        done()
      }
    })
  }

  private failNow (f: Error): Error {
    this.fail(f)
    return this.failure ?? f
  }

  private expectOk (res: RtspResponse, method: string): void {
    if (res.status < 200 || res.status > 299) throw this.failNow(new LinkFailure('transfer-failed', statusCause(res.status, `RTSP ${method}`, res.reason)))
  }

  private credentials (method: string, uri: string): string | undefined {
    if (this.digest.hasChallenge) return this.digest.authorization(method, uri)
    if (this.basic) return basicAuthorization(this.o.user, this.o.password)
    return undefined
  }

  /** One request; a 401 is answered once (Digest, or Basic over TLS only). */
  private async request (method: string, uri: string, headers: Record<string, string>): Promise<RtspResponse> {
    const first = this.credentials(method, uri)
    const res = await this.send(method, uri, headers, first)
    if (res.status !== 401) return res
    const challenge = getHeader(res, 'www-authenticate')
    let auth: string
    if (this.digest.setChallenge(challenge)) {
      auth = this.digest.authorization(method, uri)
    } else if (this.o.tls !== null && parseChallenges(challenge).some((c) => c.scheme === 'basic') && !this.basic) {
      this.basic = true
      auth = basicAuthorization(this.o.user, this.o.password)
    } else {
      throw this.failNow(new LinkFailure('authentication-failed', `401 from RTSP ${method} with no usable challenge`))
    }
    const again = await this.send(method, uri, headers, auth)
    if (again.status === 401) throw this.failNow(new LinkFailure('authentication-failed', `401 from RTSP ${method}`))
    return again
  }

  private send (method: string, uri: string, headers: Record<string, string>, authorization: string | undefined): Promise<RtspResponse> {
    const socket = this.socket
    if (this.failure !== undefined) return Promise.reject(this.failure)
    if (socket === undefined) return Promise.reject(new LinkFailure('transfer-failed', 'RTSP not connected'))
    const cseq = ++this.cseq
    const all: Record<string, string> = { ...headers, 'User-Agent': USER_AGENT }
    if (this.session !== undefined && all.Session === undefined) all.Session = this.session
    if (authorization !== undefined) all.Authorization = authorization
    return new Promise<RtspResponse>((resolve, reject) => {
      // Failing the session rejects every pending request, this one included.
      const timer = this.o.scope.setTimeout(() => {
        this.fail(new LinkFailure('transfer-failed', `no answer to RTSP ${method} within ${formatMs(this.o.requestMs)}`))
      }, this.o.requestMs)
      this.pending.set(cseq, { method, resolve, reject, timer })
      socket.write(formatRequest({ method, uri, cseq, headers: all }))
    })
  }

  private onMessage (msg: RtspMessage): void {
    if (msg.kind !== 'response') return // requests from the server are not used
    const cseq = Number(getHeader(msg, 'cseq'))
    const p = this.pending.get(cseq)
    if (p === undefined) return
    this.pending.delete(cseq)
    this.o.scope.clearTimeout(p.timer)
    p.resolve(msg)
  }

  private armWatchdog (ms: number): void {
    this.watchdog = this.o.scope.setTimeout(() => {
      const idle = Date.now() - this.lastFrameAt
      if (idle >= this.o.frameMs) this.fail(new LinkFailure('transfer-failed', noFrameCause(this.o.frameMs)))
      else this.armWatchdog(this.o.frameMs - idle)
    }, ms)
  }

  private scheduleKeepAlive (): void {
    const every = Math.max(500, (this.timeoutS * 1000) / 2)
    this.keepAliveTimer = this.o.scope.setTimeout(() => {
      this.keepAliveTimer = undefined
      this.request(this.keepAliveMethod, this.base, {}).then((res) => {
        if (res.status === 405 || res.status === 501) this.keepAliveMethod = 'OPTIONS'
        else this.expectOk(res, this.keepAliveMethod)
        this.scheduleKeepAlive()
      }).catch(() => {}) // a failure has already ended the session
    }, every)
  }

  private shutdown (f: Error): void {
    this.o.scope.clearTimeout(this.watchdog)
    this.o.scope.clearTimeout(this.keepAliveTimer)
    for (const [cseq, p] of this.pending) {
      this.pending.delete(cseq)
      if (p.timer !== undefined) this.o.scope.clearTimeout(p.timer)
      p.reject(f)
    }
    this.socket?.destroy()
  }
}
