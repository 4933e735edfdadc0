/**
 * The radar link (radar-link.md §1): while the pairing is active, connect to
 * the radar, authenticate, check it is a radar, stream its metadata, and
 * report every outcome to the pairing service, which alone turns reports
 * into `state`. Failures are retried with exponential backoff; the backoff
 * starts again after a session that reached `ok`. `stop()` ends everything
 * at once: TEARDOWN (best effort, bounded), sockets destroyed, timers cleared.
 *
 * Frames go to the TrackSink: radarUp(properties) before the first frame of
 * a session, frame() per frame, radarDown(reason) when the session ends.
 * Logs: state changes and causes at info/warn, never per frame, never the
 * password or an Authorization header.
 */
import type { SecureContext } from 'node:tls'
import type { Log } from '../common/log.js'
import type { LinkHandle, LinkReport, LinkStarter } from '../pairing/link-port.js'
import type { PairingConfig, Profile } from '../pairing/schema.js'
import type { RadarProperties } from '../onvif/model.js'
import type { TrackFrame, TrackSink } from '../tracks/model.js'
import { Backoff } from './backoff.js'
import { LinkFailure, formatMs, isAborted, toFailure } from './causes.js'
import { VapixHttpClient } from './http-client.js'
import { defaultLookup, resolveEndpoint, type LookupAll } from './resolve.js'
import { RtspSession } from './rtsp-session.js'
import { Scope } from './scope.js'
import { tlsPolicyFor, trustStore, usesTls } from './tls-policy.js'
import { probeRadar } from './vapix-steps.js'

export interface LinkTimeouts {
  /** DNS lookup, TCP connect and TLS handshake, each (ms). Default 5000. */
  connectMs: number
  /** One HTTP or RTSP answer (ms). Default 5000. */
  requestMs: number
  /** Longest time without a frame while streaming (ms). Default 5000 (radar-link.md §1). */
  frameMs: number
  /** How long stop() waits for the TEARDOWN answer (ms). Default 250. */
  teardownMs: number
  /** First retry delay (ms), doubling up to backoffMaxMs. Defaults 1000 and 30,000. */
  backoffInitialMs: number
  backoffMaxMs: number
}

export const DEFAULT_TIMEOUTS: Readonly<LinkTimeouts> = Object.freeze({
  connectMs: 5000,
  requestMs: 5000,
  frameMs: 5000,
  teardownMs: 250,
  backoffInitialMs: 1000,
  backoffMaxMs: 30_000
})

/** Largest param.cgi / JSON answer (bytes). */
export const MAX_ANSWER_BYTES = 256 * 1024

export interface LinkDeps {
  /** Where frames go (the overlay hub). */
  sink: TrackSink
  log: Log
  /** Extra trusted CA (PEM, from --radar-ca) for tls-verify=true. */
  radarCa?: Buffer | string
  timeouts?: Partial<LinkTimeouts>
  /** Jitter source for the backoff, uniform in [0, 1). Default Math.random. */
  random?: () => number
  /** Name lookup (tests). Default dns.lookup with all addresses. */
  lookup?: LookupAll
}

export function createLinkStarter (deps: LinkDeps): LinkStarter {
  const timeouts: LinkTimeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts }
  for (const [k, v] of Object.entries(timeouts)) {
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`radar link timeout ${k} must be a positive number of ms, got ${String(v)}`)
  }
  // A bad --radar-ca shows at start-up, not at the first connection.
  let trust: SecureContext | undefined
  if (deps.radarCa !== undefined) {
    try {
      trust = trustStore(deps.radarCa)
    } catch (err) {
      throw new Error(`radar CA certificate could not be loaded: ${(err as Error).message}`)
    }
  }
  const trustOf = (): SecureContext => (trust ??= trustStore())
  return (config, profile, report) => {
    const link = new RadarLink(config, profile, report, deps, timeouts, trustOf)
    link.start()
    return { stop: () => link.stop() } satisfies LinkHandle
  }
}

class RadarLink {
  private stopped = false
  private stopping: Promise<void> | undefined
  private loopDone: Promise<void> = Promise.resolve()
  private scope: Scope | undefined
  private session: RtspSession | undefined
  private wake: (() => void) | undefined
  private readonly backoff: Backoff
  private readonly log: Log
  private readonly sink: TrackSink
  private readonly lookup: LookupAll
  /** radarUp was sent for the current session. */
  private up = false
  private reachedOk = false
  private properties: RadarProperties | undefined
  private lastLogged = ''
  private sinkErrorLogged = false
  private readonly where: Record<string, unknown>

  constructor (
    private readonly config: PairingConfig,
    private readonly profile: Profile,
    private readonly report: (r: LinkReport) => void,
    deps: LinkDeps,
    private readonly t: LinkTimeouts,
    private readonly trust: () => SecureContext
  ) {
    this.log = deps.log
    this.sink = deps.sink
    this.lookup = deps.lookup ?? defaultLookup
    this.backoff = new Backoff({ initialMs: t.backoffInitialMs, maxMs: t.backoffMaxMs, random: deps.random })
    // Never the password.
    this.where = { component: 'radar-link', radar: config.address, user: config.user, tls: usesTls(config, profile) }
  }

  start (): void {
    this.log.info({ ...this.where, profile: this.profile }, 'radar link started')
    this.loopDone = this.loop()
  }

  stop (): Promise<void> {
    if (this.stopping !== undefined) return this.stopping
    this.stopped = true
    this.stopping = (async () => {
      const session = this.session
      if (session !== undefined) await session.teardown(this.t.teardownMs)
      this.scope?.abort()
      this.wake?.()
      await this.loopDone
      this.log.info(this.where, 'radar link stopped')
    })()
    return this.stopping
  }

  private async loop (): Promise<void> {
    while (!this.stopped) {
      const scope = new Scope()
      this.scope = scope
      this.reachedOk = false
      let failure: LinkFailure | undefined
      try {
        await this.attempt(scope)
      } catch (err) {
        if (!isAborted(err)) failure = toFailure(err)
      }
      this.session = undefined
      scope.abort()
      await scope.closed()
      if (this.up) {
        this.up = false
        this.callSink(() => this.sink.radarDown(this.stopped ? 'radar link stopped' : failure?.cause ?? 'radar link stopped'))
      }
      if (this.stopped || failure === undefined) break
      if (this.reachedOk) this.backoff.reset()
      const delay = this.backoff.next()
      this.failed(failure, delay)
      await this.sleep(delay)
    }
    this.scope = undefined
  }

  private async attempt (scope: Scope): Promise<void> {
    const { config, t } = this
    const tls = usesTls(config, this.profile)
    const policy = tlsPolicyFor(config, this.profile, this.trust)
    const endpoint = await resolveEndpoint(scope, config.address, tls, t.connectMs, this.lookup)
    const http = new VapixHttpClient({
      scope, endpoint, tls: policy, user: config.user, password: config.password,
      connectMs: t.connectMs, requestMs: t.requestMs, maxBytes: MAX_ANSWER_BYTES
    })
    const info = await probeRadar(http, tls)
    this.properties = info.properties
    const session = new RtspSession({
      scope, endpoint, port: info.rtsp.port, tls: policy, user: config.user, password: config.password,
      connectMs: t.connectMs, requestMs: t.requestMs, frameMs: t.frameMs, defaultTimeoutS: info.rtsp.timeoutS,
      onFrame: (frame) => this.onFrame(frame)
    })
    this.session = session
    await session.open()
    await session.ended
  }

  /** The per-frame path: one branch and the sink call. */
  private onFrame (frame: TrackFrame): void {
    if (!this.up) this.streamUp()
    try {
      this.sink.frame(frame)
    } catch (err) {
      this.sinkError(err)
    }
  }

  private streamUp (): void {
    this.up = true
    this.reachedOk = true
    const properties = this.properties as RadarProperties
    this.callSink(() => this.sink.radarUp(properties))
    if (this.stopped) return
    this.lastLogged = 'ok'
    this.log.info({ ...this.where, device: properties.device }, 'radar link up: frames are flowing')
    this.report({ state: 'ok' })
  }

  private failed (f: LinkFailure, retryInMs: number): void {
    const key = `${f.state}\n${f.cause}`
    const fields = { ...this.where, state: f.state, cause: f.cause, retryIn: formatMs(retryInMs) }
    if (key !== this.lastLogged) this.log.warn(fields, 'radar link failed')
    else this.log.debug(fields, 'radar link failed again')
    this.lastLogged = key
    this.report({ state: f.state, cause: f.cause })
  }

  private callSink (fn: () => void): void {
    try { fn() } catch (err) { this.sinkError(err) }
  }

  private sinkError (err: unknown): void {
    if (this.sinkErrorLogged) return
    this.sinkErrorLogged = true
    this.log.error({ ...this.where, err }, 'track sink threw; frames are still delivered')
  }

  private sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve() }, ms)
      this.wake = () => { clearTimeout(timer); this.wake = undefined; resolve() }
    })
  }
}
