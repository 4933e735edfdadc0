/**
 * The overlay hub: the radar link's TrackSink on the camera and the source of
 * the data-stream events. Each radar frame is serialised once into the final
 * `analytics-scene-description` notification and pre-framed once as a
 * WebSocket text frame; the same Buffer is then written to every subscribed
 * client. Events (motion alarm, radar failure, pairing state) are built the
 * same way and delivered to every client whose topic filter matches.
 *
 * Flow control (spec Decision), per client (see session.ts):
 * - over `sendBufferBytes` of unsent data, overlay frames are skipped (the
 *   client gets the newest frame once it catches up);
 * - events and replies are never skipped: they wait in a bounded queue; a
 *   client whose queue overflows, or that stays over the bound for more than
 *   `stallMs`, is closed with 1008 and a reason.
 * So each client holds at most ~sendBufferBytes + one message in the socket
 * and maxQueuedBytes in its queue, and there are at most maxClients of them.
 * Spec: overlay-stream.md.
 */
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { Log } from '../common/log.js'
import type { RadarProperties } from '../onvif/model.js'
import type { TrackFrame, TrackSink } from '../tracks/model.js'
import { textFrame } from './wire.js'
import type { TopicFilter } from './topic-filter.js'
import {
  TOPICS, eventNotification, frameNotification, isFailureState, motionAlarmMessage, pairingStateMessage,
  radarFailureMessage, radarViewNotification, radarViewOf, type EventMessage, type RadarView, type Source
} from './messages.js'
import { DataStreamSession } from './session.js'

export interface OverlayLimits {
  /** Open data-stream connections allowed; more are refused with 503 before the upgrade. */
  maxClients: number
  /** Unsent bytes per client above which frames are skipped and events queued. */
  sendBufferBytes: number
  /** Bytes of events/replies a client may have waiting; more → close 1008. */
  maxQueuedBytes: number
  /** Messages a client may have waiting; more → close 1008. */
  maxQueuedMessages: number
  /** A client continuously over the send bound for longer is closed with 1008 (ms). */
  stallMs: number
  /** Largest client message (bytes); larger → close 1009. */
  maxMessageBytes: number
  /** Ping period; a client that answered none of the previous period is dropped (ms). */
  heartbeatMs: number
  /** How long a closing handshake may take before the socket is destroyed (ms). */
  closeGraceMs: number
}

export const DEFAULT_LIMITS: OverlayLimits = {
  maxClients: 2048,
  sendBufferBytes: 64 * 1024,
  maxQueuedBytes: 1024 * 1024,
  maxQueuedMessages: 4096,
  stallMs: 10_000,
  maxMessageBytes: 64 * 1024,
  heartbeatMs: 30_000,
  closeGraceMs: 2_000
}

export interface OverlayHubOptions {
  limits?: Partial<OverlayLimits>
  log?: Log
  /** Clock for event timestamps and stall detection (epoch ms). */
  now?: () => number
  /** Period of the stall/heartbeat sweep (ms). Default 1000. */
  sweepMs?: number
}

/** What the hub reads from the pairing (the PairingService fits). */
export interface PairingStateSource {
  readonly state: string
  on: (event: 'state', listener: (change: { state: string, previous: string }) => void) => unknown
}

export interface HubStats {
  clients: number
  sceneClients: number
  eventClients: number
  /** Clients currently over the send bound. */
  behind: number
  /** Bytes waiting in clients' sockets (Node's buffers, not the kernel's). */
  bufferedBytes: number
  queuedMessages: number
  queuedBytes: number
  framesIn: number
  /** Frames replaced by a newer one before they were fanned out. */
  framesCoalesced: number
  framesSent: number
  framesSkipped: number
  eventsRaised: number
  closedSlow: number
  closedOverflow: number
  openTracks: number
}

const MAX_OPEN_TRACKS = 10_000
const noopLog: Log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as unknown as Log

export class OverlayHub implements TrackSink {
  readonly limits: OverlayLimits
  readonly log: Log
  readonly now: () => number
  private readonly sessions = new Set<DataStreamSession>()
  private readonly sceneSessions = new Set<DataStreamSession>()
  private readonly eventSessions = new Set<DataStreamSession>()
  private readonly behindSessions = new Set<DataStreamSession>()
  private view: RadarView | null = null
  private motion = false
  private readonly openTracks = new Set<string>()
  private pairing: PairingStateSource | undefined
  private sweepTimer: NodeJS.Timeout | undefined
  private readonly sweepMs: number
  private lastHeartbeat = 0
  private closing = false
  readonly counters = { framesIn: 0, framesCoalesced: 0, framesSent: 0, framesSkipped: 0, eventsRaised: 0, closedSlow: 0, closedOverflow: 0 }

  constructor (opts: OverlayHubOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits }
    for (const [k, v] of Object.entries(this.limits)) {
      if (!(typeof v === 'number' && v > 0)) throw new TypeError(`overlay limit ${k} must be a positive number`)
    }
    this.log = opts.log ?? noopLog
    this.now = opts.now ?? Date.now
    this.sweepMs = opts.sweepMs ?? 1000
  }

  // ── TrackSink (called by the radar link) ───────────────────────────────

  radarUp (properties: RadarProperties): void {
    this.view = radarViewOf(properties)
    if (this.sceneSessions.size === 0) return
    const buf = textFrame(radarViewNotification(this.view, this.now()))
    for (const s of this.sceneSessions) s.push(buf)
  }

  frame (frame: TrackFrame): void {
    this.counters.framesIn++
    const ended = frame.ended
    const objects = frame.objects
    for (let i = 0; i < ended.length; i++) this.openTracks.delete(ended[i])
    if (this.openTracks.size < MAX_OPEN_TRACKS) for (let i = 0; i < objects.length; i++) this.openTracks.add(objects[i].id)
    const active = objects.length > 0
    if (active !== this.motion) {
      this.motion = active
      this.raise(TOPICS.motionAlarm, motionAlarmMessage(active))
    }
    if (this.sceneSessions.size === 0) return
    // Coalesce: frames that arrive together (a backlog read from the radar
    // in one go) are fanned out once, as the newest frame carrying every
    // track that ended in between. Overlay frames are disposable.
    if (this.pending !== undefined) {
      this.counters.framesCoalesced++
      if (this.pendingEnded.length + this.pending.ended.length <= MAX_OPEN_TRACKS) this.pendingEnded.push(...this.pending.ended)
    }
    this.pending = frame
    if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(this.flushFrame)
    }
  }

  private pending: TrackFrame | undefined
  private pendingEnded: string[] = []
  private flushScheduled = false

  /** Serialises the newest frame once and offers the same bytes to every scene client. */
  private readonly flushFrame = (): void => {
    this.flushScheduled = false
    let frame = this.pending
    this.pending = undefined
    if (frame === undefined) return
    if (this.pendingEnded.length > 0) {
      const present = new Set<string>()
      for (const o of frame.objects) present.add(o.id)
      const ended = new Set<string>()
      for (const id of this.pendingEnded) if (!present.has(id)) ended.add(id)
      for (const id of frame.ended) ended.add(id)
      this.pendingEnded = []
      frame = { ...frame, ended: [...ended] }
    }
    if (this.sceneSessions.size === 0) return
    const buf = textFrame(frameNotification(frame))
    const now = this.now()
    let sent = 0
    for (const s of this.sceneSessions) if (s.offerFrame(buf, now)) sent++
    this.counters.framesSent += sent
    this.counters.framesSkipped += this.sceneSessions.size - sent
  }

  radarDown (_reason: string): void {
    if (this.openTracks.size > 0) {
      const now = this.now()
      const ended = [...this.openTracks]
      this.openTracks.clear()
      this.frame({ utcTime: new Date(now).toISOString(), timeMs: now, receivedMs: now, objects: [], ended })
    } else if (this.motion) {
      this.motion = false
      this.raise(TOPICS.motionAlarm, motionAlarmMessage(false))
    }
  }

  // ── events ──────────────────────────────────────────────────────────────

  /** Follows the pairing: a State event on every change, RadarFailure on link failures. */
  watchPairing (source: PairingStateSource): void {
    this.pairing = source
    source.on('state', ({ state, previous }) => {
      this.raise(TOPICS.pairingState, pairingStateMessage(state))
      if (isFailureState(state) || isFailureState(previous)) this.raise(TOPICS.radarFailure, radarFailureMessage(state))
    })
  }

  /** Sends one event to every client whose filter matches; never skipped. */
  raise (topic: string, message: EventMessage): void {
    this.counters.eventsRaised++
    let buf: Buffer | undefined
    for (const s of this.eventSessions) {
      if (s.filter?.matches(topic) !== true) continue
      buf ??= textFrame(eventNotification(topic, message, this.now()))
      s.push(buf)
    }
  }

  /**
   * The current value of each property topic the filter matches, sent after
   * `events:configure` (ONVIF "Initialized" semantics; Decision).
   */
  currentEvents (filter: TopicFilter): Buffer[] {
    const now = this.now()
    const out: Buffer[] = []
    const add = (topic: string, message: EventMessage): void => {
      if (filter.matches(topic)) out.push(textFrame(eventNotification(topic, message, now)))
    }
    if (this.pairing !== undefined) {
      add(TOPICS.pairingState, pairingStateMessage(this.pairing.state))
      add(TOPICS.radarFailure, radarFailureMessage(this.pairing.state))
    }
    add(TOPICS.motionAlarm, motionAlarmMessage(this.motion))
    return out
  }

  /** The radar view message (first after `analytics-scene-description:configure`). */
  radarViewMessage (): Buffer { return textFrame(radarViewNotification(this.view, this.now())) }

  get radarView (): RadarView | null { return this.view }

  // ── clients ────────────────────────────────────────────────────────────

  /** False while closing or at the connection cap. */
  get accepting (): boolean { return !this.closing && this.sessions.size < this.limits.maxClients }

  get size (): number { return this.sessions.size }

  /** Adopts an upgraded WebSocket (its raw socket is written to directly). */
  connect (ws: WebSocket, socket: Duplex, sources: ReadonlySet<Source>, user: string): DataStreamSession {
    const session = new DataStreamSession(ws, socket, sources, this, user)
    this.sessions.add(session)
    if (this.sweepTimer === undefined) {
      this.lastHeartbeat = this.now()
      this.sweepTimer = setInterval(() => { this.sweep() }, this.sweepMs)
      this.sweepTimer.unref()
    }
    if (this.closing) session.closeWith(1001, 'camera shutting down')
    return session
  }

  /** @internal session → hub */
  setScene (s: DataStreamSession, on: boolean): void {
    if (on && !s.isClosing) this.sceneSessions.add(s)
    else this.sceneSessions.delete(s)
  }

  /** @internal session → hub */
  setEvents (s: DataStreamSession, on: boolean): void {
    if (on && !s.isClosing) this.eventSessions.add(s)
    else this.eventSessions.delete(s)
  }

  /** @internal session → hub: the client went over the send bound. */
  markBehind (s: DataStreamSession): void { this.behindSessions.add(s) }

  /** @internal session → hub: the client caught up. */
  clearBehind (s: DataStreamSession): void { this.behindSessions.delete(s) }

  /** @internal session → hub: closing; stop sending to it. */
  detach (s: DataStreamSession, why?: 'slow' | 'overflow'): void {
    this.sceneSessions.delete(s)
    this.eventSessions.delete(s)
    this.behindSessions.delete(s)
    if (why === 'slow') this.counters.closedSlow++
    else if (why === 'overflow') this.counters.closedOverflow++
  }

  /** @internal session → hub: the WebSocket is closed. */
  remove (s: DataStreamSession): void {
    this.detach(s)
    this.sessions.delete(s)
    if (this.sessions.size === 0 && this.sweepTimer !== undefined) {
      clearInterval(this.sweepTimer)
      this.sweepTimer = undefined
    }
  }

  /** Closes clients stuck over the bound, and pings (dropping the silent). */
  sweep (): void {
    const now = this.now()
    for (const s of this.behindSessions) {
      if (s.caughtUp()) continue
      if (now - s.behindSince > this.limits.stallMs) {
        this.log.warn({ user: s.user, bufferedBytes: s.bufferedBytes, queuedBytes: s.queuedBytes }, 'data stream client too slow: closing')
        s.fail('slow', `client too slow: send buffer over ${this.limits.sendBufferBytes} bytes for more than ${Math.round(this.limits.stallMs / 1000)} s`)
      }
    }
    if (now - this.lastHeartbeat >= this.limits.heartbeatMs) {
      this.lastHeartbeat = now
      for (const s of this.sessions) s.heartbeat()
    }
  }

  stats (): HubStats {
    let bufferedBytes = 0
    let queuedMessages = 0
    let queuedBytes = 0
    for (const s of this.sessions) {
      bufferedBytes += s.bufferedBytes
      queuedMessages += s.queuedMessages
      queuedBytes += s.queuedBytes
    }
    return {
      clients: this.sessions.size,
      sceneClients: this.sceneSessions.size,
      eventClients: this.eventSessions.size,
      behind: this.behindSessions.size,
      bufferedBytes,
      queuedMessages,
      queuedBytes,
      ...this.counters,
      openTracks: this.openTracks.size
    }
  }

  /** Closes every client with 1001; destroys those that do not finish the handshake in time. */
  async close (): Promise<void> {
    this.closing = true
    const all = [...this.sessions]
    for (const s of all) s.closeWith(1001, 'camera shutting down')
    if (all.length > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.all(all.map((s) => s.closed)),
        new Promise<void>((resolve) => { timer = setTimeout(resolve, this.limits.closeGraceMs) })
      ])
      clearTimeout(timer)
      for (const s of all) s.terminate()
    }
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer)
    this.sweepTimer = undefined
  }
}
