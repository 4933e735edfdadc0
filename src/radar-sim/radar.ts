/**
 * Starts the simulated radar: the VAPIX HTTP app (+ HTTPS), the RTSP server
 * (+ RTSPS), optionally a separate control listener, all sharing one
 * FaultSet and one scene. Ports may be 0 (ephemeral) — tests read the bound
 * ports from the result. close() closes every listener, socket and timer.
 */
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { pino } from 'pino'
import type { RadarProperties } from '../onvif/model.js'
import { UserStore } from '../vapix/users.js'
import { FaultSet, type Fault } from './faults.js'
import { buildRadarControlApp, buildRadarHttpApp, radarParams } from './http-app.js'
import { RadarRtspServer, type FrameSource, type RtspServerStats, type RtspSessionInfo } from './rtsp-server.js'
import type { ControlHooks } from './control.js'
import { loadScenarioScene } from './scene.js'

/** A loaded scene: what the radar reports and what it sees, frame by frame. */
export interface RadarScene {
  /** Fixture name or path, as given. */
  scenario: string
  seed: number
  /** getRadarProperties `data` without networkPaired. */
  properties: Omit<RadarProperties, 'networkPaired'>
  source: FrameSource
}

/**
 * Loads a scenario (a fixture name such as "crowd", or a YAML path) for a
 * seed and frame rate. `seedGiven` false: the user named no seed, so a seed
 * the scenario itself names may win over `seed`.
 */
export type SceneLoader = (scenario: string, seed: number, rate: number, seedGiven?: boolean) => Promise<RadarScene>

export interface RadarSimulatorOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0 (ephemeral). */
  httpPort?: number
  rtspPort?: number
  /** PEM certificate and key: HTTPS and RTSPS listen only with both. */
  tls?: { cert: string | Buffer, key: string | Buffer }
  /** Default 0 when `tls` is given. */
  httpsPort?: number
  rtspsPort?: number
  /** A separate plain-HTTP listener for /radar-sim/control only (reachable under `refuse`). */
  controlPort?: number
  /** The radar's single admin account. Default root / radar. */
  user?: string
  password?: string
  /** 12 upper-case hex digits; the realm is AXIS_<serial>. */
  serial?: string
  /** Fixture name (fixtures/scenarios/<name>.yaml) or YAML/JSON path. Default "default". */
  scenario?: string
  /** Scene seed. Default: the scenario's own `seed`, else 1. */
  seed?: number
  /** Frames per second. Default 10. */
  rate?: number
  /** Initial faults (specs or a shared FaultSet). */
  faults?: FaultSet | Iterable<string | Fault>
  /** Default: scenario files played by the scene engine (./scene.ts). */
  loadScene?: SceneLoader
  /** UtcTime clock (epoch ms). With `rtpSeed` (deterministic mode, see RadarRtspServerOptions) streams are byte-identical run to run. */
  clock?: () => number
  rtpSeed?: number
  /** RTSP session timeout. Default 60 s. */
  sessionTimeoutMs?: number
  maxAuthFailuresPerMinute?: number
  logger?: Logger
}

export interface RadarStatus {
  scenario: string
  seed: number
  rate: number
  serial: string
  faults: string[]
  /** networkPaired: a camera is streaming. */
  streaming: boolean
  rtsp: Omit<RtspServerStats, 'sessions'> & { sessions: RtspSessionInfo[] }
}

export interface RadarSimulator {
  readonly httpPort: number
  readonly rtspPort: number
  readonly httpsPort?: number
  readonly rtspsPort?: number
  readonly controlPort?: number
  readonly serial: string
  readonly faults: FaultSet
  /** Switches the scene; playing streams continue at their frame index. */
  setScenario: (scenario: string, seed?: number) => Promise<{ scenario: string, seed: number }>
  status: () => RadarStatus
  close: () => Promise<void>
}

export const DEFAULT_RADAR_SERIAL = 'ACCC8E0D2210'
const SERIAL_RE = /^[0-9A-F]{12}$/

const listen = async (app: FastifyInstance, port: number, host: string): Promise<number> => {
  await app.listen({ port, host })
  const addr = app.server.address()
  if (addr === null || typeof addr === 'string') throw new Error('no TCP address')
  return addr.port
}

export async function startRadarSimulator (options: RadarSimulatorOptions): Promise<RadarSimulator> {
  const host = options.host ?? '127.0.0.1'
  const serial = options.serial ?? DEFAULT_RADAR_SERIAL
  if (!SERIAL_RE.test(serial)) throw new TypeError(`serial must be 12 upper-case hex digits (like ${DEFAULT_RADAR_SERIAL}), got ${JSON.stringify(serial)}`)
  const rate = options.rate ?? 10
  if (!(rate > 0 && rate <= 100)) throw new RangeError(`rate must be in (0, 100] Hz, got ${rate}`)
  if (options.tls !== undefined && (!options.tls.cert || !options.tls.key)) throw new TypeError('tls needs both cert and key')
  const logger = options.logger ?? pino({ level: 'silent' })
  const faults = options.faults instanceof FaultSet ? options.faults : new FaultSet(options.faults ?? [])
  const users = new UserStore([{ name: options.user ?? 'root', password: options.password ?? 'radar', role: 'admin' }])
  const realm = `AXIS_${serial}`
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 60_000

  const loadScene = options.loadScene ?? loadScenarioScene
  let scene = await loadScene(options.scenario ?? 'default', options.seed ?? 1, rate, options.seed !== undefined)

  const rtsp = new RadarRtspServer({
    realm,
    passwordOf: (name) => faults.has('reject-auth') ? undefined : users.get(name)?.password,
    faults,
    source: scene.source,
    rate,
    clock: options.clock,
    rtpSeed: options.rtpSeed,
    sessionTimeoutMs,
    log: logger.child({ component: 'rtsp' }),
    onStreamingChange: (streaming) => { logger.info({ streaming }, streaming ? 'a camera is streaming' : 'no camera streaming') }
  })

  const apps: FastifyInstance[] = []
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([rtsp.close(), ...apps.map(async (a) => a.close())])
    // libuv releases closed handles in the close phase of the loop; a 0 ms
    // timer runs after it, so callers that count handles see them gone.
    await new Promise((resolve) => setTimeout(resolve, 0))
  }

  try {
    const rtspPort = await rtsp.listen({ port: options.rtspPort ?? 0, host })
    const rtspsPort = options.tls === undefined ? undefined : await rtsp.listen({ port: options.rtspsPort ?? 0, host, tls: options.tls })

    const setScenario = async (name: string, seed?: number): Promise<{ scenario: string, seed: number }> => {
      const next = await loadScene(name, seed ?? options.seed ?? 1, rate, seed !== undefined || options.seed !== undefined)
      scene = next
      rtsp.setSource(next.source)
      logger.info({ scenario: next.scenario, seed: next.seed }, 'scenario changed')
      return { scenario: next.scenario, seed: next.seed }
    }
    const status = (): RadarStatus => ({
      scenario: scene.scenario,
      seed: scene.seed,
      rate,
      serial,
      faults: faults.specs(),
      streaming: rtsp.streaming,
      rtsp: { ...rtsp.stats(), sessions: rtsp.sessions() }
    })
    const control: ControlHooks = { faults, setScenario, status: () => ({ ...status() }) }
    const appOptions = {
      serial,
      users,
      faults,
      logger: logger.child({ component: 'http' }),
      properties: (): RadarProperties => ({ ...scene.properties, networkPaired: rtsp.streaming }),
      params: () => radarParams({ serial, rtspPort, rtspsPort, rtspTimeoutS: Math.max(1, Math.round(sessionTimeoutMs / 1000)), device: scene.properties.device }),
      control,
      maxAuthFailuresPerMinute: options.maxAuthFailuresPerMinute
    }
    const http = await buildRadarHttpApp(appOptions)
    apps.push(http)
    const httpPort = await listen(http, options.httpPort ?? 0, host)
    let httpsPort: number | undefined
    if (options.tls !== undefined) {
      const https = await buildRadarHttpApp({ ...appOptions, https: options.tls })
      apps.push(https)
      httpsPort = await listen(https, options.httpsPort ?? 0, host)
    }
    let controlPort: number | undefined
    if (options.controlPort !== undefined) {
      const ctl = await buildRadarControlApp({ serial, users, logger: appOptions.logger, control, maxAuthFailuresPerMinute: options.maxAuthFailuresPerMinute })
      apps.push(ctl)
      controlPort = await listen(ctl, options.controlPort, host)
    }
    logger.info({ host, httpPort, rtspPort, httpsPort, rtspsPort, controlPort, serial, scenario: scene.scenario, seed: scene.seed, rate, faults: faults.specs() }, 'radar simulator listening')

    let closed: Promise<void> | undefined
    return {
      httpPort,
      rtspPort,
      httpsPort,
      rtspsPort,
      controlPort,
      serial,
      faults,
      setScenario,
      status,
      close: async () => {
        closed ??= closeAll()
        return closed
      }
    }
  } catch (err) {
    await closeAll()
    throw err
  }
}
