/**
 * One `/vapix/ws-data-stream` connection: the VAPIX JSON-RPC messages a
 * client sends (`events:configure`, `analytics-scene-description:configure`),
 * their replies, and the per-client half of flow control.
 *
 * Messages are pre-framed WebSocket frames (wire.ts) written straight to the
 * upgraded socket — the same Buffer for every client — after the ws library
 * has done the handshake; ws still reads the client's frames and handles
 * ping/pong and close. This is safe because per-message deflate is off, so
 * ws never holds frames back: its writes and ours reach the socket in order.
 * Spec: overlay-stream.md "Messages", "Flow control".
 */
import type { Duplex } from 'node:stream'
import { WebSocket, type RawData } from 'ws'
import { Type } from '@sinclair/typebox'
import { Errors, VapixError } from '../vapix/errors.js'
import { ApiVersions, ParamsValidator, answer, readEnvelope, type Envelope } from '../vapix/envelope.js'
import { compileTopicFilter, TopicFilterError, TOPIC_FILTER_LIMITS, type TopicFilter } from './topic-filter.js'
import { CHANNEL, METHODS, type Source } from './messages.js'
import { textFrame } from './wire.js'
import type { OverlayHub } from './hub.js'

export const DATA_STREAM_VERSIONS = new ApiVersions(['1.0'])

const EventsConfigureParams = new ParamsValidator(Type.Object({
  eventFilterList: Type.Array(Type.Object({
    topicFilter: Type.Optional(Type.String({ maxLength: TOPIC_FILTER_LIMITS.maxLength }))
  }, { additionalProperties: false }), { maxItems: TOPIC_FILTER_LIMITS.maxAlternatives })
}))

const SceneConfigureParams = new ParamsValidator(Type.Object({
  channelFilter: Type.Array(Type.String({ maxLength: 16 }), { maxItems: 16 })
}))

const METHODS_OF: Record<Source, string> = {
  events: METHODS.eventsConfigure,
  'analytics-scene-description': METHODS.sceneConfigure
}

const OPEN = WebSocket.OPEN

export class DataStreamSession {
  /** The compiled topic filter while subscribed to events. */
  filter: TopicFilter | null = null
  /** When the client went over the send bound (0 = not behind). */
  behindSince = 0
  /** Resolves when the WebSocket has closed. */
  readonly closed: Promise<void>
  private readonly methods: ReadonlySet<string>
  private readonly bound: number
  private queue: Buffer[] = []
  private queueHead = 0
  private queued = 0
  private closing = false
  private alive = true
  private killTimer: NodeJS.Timeout | undefined

  constructor (
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly sources: ReadonlySet<Source>,
    private readonly hub: OverlayHub,
    readonly user: string
  ) {
    this.methods = new Set([...sources].map((s) => METHODS_OF[s]))
    this.bound = hub.limits.sendBufferBytes
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closing = true
        clearTimeout(this.killTimer)
        this.queue = []
        this.queued = 0
        socket.removeListener('drain', this.flush)
        hub.remove(this)
        hub.log.debug({ user, code, reason: reason.toString() }, 'data stream closed')
        resolve()
      })
    })
    ws.on('message', (data, isBinary) => { this.onMessage(data, isBinary) })
    ws.on('pong', () => { this.alive = true })
    // Protocol errors (1002), oversize messages (1009), bad UTF-8 (1007): ws
    // closes the connection with the right code itself; only note it here.
    ws.on('error', (err) => { hub.log.debug({ user, err: err.message }, 'data stream protocol error') })
    socket.on('drain', this.flush)
    hub.log.debug({ user, sources: [...sources] }, 'data stream opened')
  }

  get isClosing (): boolean { return this.closing }
  get bufferedBytes (): number { return this.socket.writableLength }
  get queuedBytes (): number { return this.queued }
  get queuedMessages (): number { return this.queue.length - this.queueHead }

  /** An overlay frame: written unless the client is behind (then skipped). Hot path. */
  offerFrame (buf: Buffer, now: number): boolean {
    if (this.queueHead !== this.queue.length || this.socket.writableLength > this.bound || this.ws.readyState !== OPEN) {
      if (this.behindSince === 0 && !this.closing) { this.behindSince = now; this.hub.markBehind(this) }
      return false
    }
    this.socket.write(buf)
    return true
  }

  /** A message that must not be skipped (event, reply, radar view): sent or queued. */
  push (buf: Buffer): void {
    if (this.closing) return
    if (this.queueHead === this.queue.length && this.socket.writableLength <= this.bound && this.ws.readyState === OPEN) {
      this.socket.write(buf)
      return
    }
    const lim = this.hub.limits
    if (this.queued + buf.length > lim.maxQueuedBytes || this.queue.length - this.queueHead >= lim.maxQueuedMessages) {
      this.hub.log.warn({ user: this.user, queuedBytes: this.queued }, 'data stream client event queue overflow: closing')
      this.fail('overflow', `event queue overflow: more than ${lim.maxQueuedBytes} bytes waiting`)
      return
    }
    this.queue.push(buf)
    this.queued += buf.length
    if (this.behindSince === 0) { this.behindSince = this.hub.now(); this.hub.markBehind(this) }
  }

  /** Writes queued messages while under the bound (on 'drain' and from the sweep). */
  readonly flush = (): void => {
    if (this.closing || this.ws.readyState !== OPEN) return
    const q = this.queue
    while (this.queueHead < q.length && this.socket.writableLength <= this.bound) {
      const buf = q[this.queueHead]
      q[this.queueHead++] = EMPTY
      this.queued -= buf.length
      this.socket.write(buf)
    }
    if (this.queueHead === q.length) { this.queue = []; this.queueHead = 0 }
    if (this.behindSince !== 0 && this.queueHead === this.queue.length && this.socket.writableLength <= this.bound) {
      this.behindSince = 0
      this.hub.clearBehind(this)
    }
  }

  /** True (and no longer behind) once the queue is empty and the buffer under the bound. */
  caughtUp (): boolean {
    this.flush()
    return this.behindSince === 0
  }

  /** Ping; a client that did not answer the previous ping is dropped. */
  heartbeat (): void {
    if (this.closing) return
    if (!this.alive) { this.terminate(); return }
    this.alive = false
    if (this.ws.readyState === OPEN) this.ws.ping()
  }

  /** Flow-control close: 1008 with a reason. */
  fail (why: 'slow' | 'overflow', reason: string): void {
    this.hub.detach(this, why)
    this.closeWith(1008, reason)
  }

  /** Starts the closing handshake; the socket is destroyed if it does not finish in time. */
  closeWith (code: number, reason: string): void {
    if (this.closing) return
    this.closing = true
    this.hub.detach(this)
    this.queue = []
    this.queueHead = 0
    this.queued = 0
    if (this.ws.readyState === OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason.slice(0, 120))
    this.killTimer = setTimeout(() => { this.terminate() }, this.hub.limits.closeGraceMs)
    this.killTimer.unref()
  }

  terminate (): void {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate()
  }

  // ── client messages ────────────────────────────────────────────────────

  private onMessage (data: RawData, isBinary: boolean): void {
    this.alive = true
    if (this.closing) return
    let env: Partial<Envelope> = {}
    const followUps: Buffer[] = []
    let out: string
    try {
      if (isBinary) throw Errors.invalidJson('binary message')
      let body: unknown
      try {
        body = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'))
      } catch {
        throw Errors.invalidJson('unparsable JSON')
      }
      try {
        env = readEnvelope(body, { versions: DATA_STREAM_VERSIONS, methods: this.methods })
      } catch (err) {
        if (err instanceof VapixError) env = err.echo
        throw err
      }
      const full = env as Envelope
      if (full.method === METHODS.eventsConfigure) this.configureEvents(full.params, followUps)
      else this.configureScene(full.params, followUps)
      out = JSON.stringify(answer(this.head(env), { data: {} }))
    } catch (e) {
      let err: VapixError
      if (e instanceof VapixError) {
        err = e
      } else {
        this.hub.log.error({ err: e }, 'internal error in data stream message')
        err = Errors.internal()
      }
      followUps.length = 0
      out = JSON.stringify(answer(this.head(env), { error: err }))
    }
    this.push(textFrame(out))
    for (const b of followUps) this.push(b)
  }

  private head (env: Partial<Envelope>): { apiVersion: string, context?: string, method?: string } {
    return { apiVersion: env.apiVersion ?? DATA_STREAM_VERSIONS.highest, context: env.context, method: env.method }
  }

  /** Only the latest filter applies; an empty list unsubscribes (Decision). */
  private configureEvents (params: Record<string, unknown>, followUps: Buffer[]): void {
    const p = EventsConfigureParams.validate(params)
    const expressions: string[] = []
    for (const entry of p.eventFilterList) {
      if (entry.topicFilter === undefined) throw Errors.missingParameter('eventFilterList[].topicFilter')
      expressions.push(entry.topicFilter)
    }
    let filter: TopicFilter
    try {
      filter = compileTopicFilter(expressions)
    } catch (err) {
      if (err instanceof TopicFilterError) throw Errors.invalidParameter(err.message)
      throw err
    }
    if (expressions.length === 0) {
      this.filter = null
      this.hub.setEvents(this, false)
      return
    }
    this.filter = filter
    this.hub.setEvents(this, true)
    followUps.push(...this.hub.currentEvents(filter))
  }

  /** `["1"]` subscribes, `[]` unsubscribes; any other channel → 2104. */
  private configureScene (params: Record<string, unknown>, followUps: Buffer[]): void {
    const p = SceneConfigureParams.validate(params)
    for (const c of p.channelFilter) if (c !== CHANNEL) throw Errors.invalidParameter(`unknown channel ${JSON.stringify(c)}`)
    const on = p.channelFilter.length > 0
    this.hub.setScene(this, on)
    if (on) followUps.push(this.hub.radarViewMessage())
  }
}

const EMPTY = Buffer.alloc(0)
