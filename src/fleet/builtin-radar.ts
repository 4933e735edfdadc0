/**
 * The camera's built-in simulated radar: a radar simulator the control API
 * can reconfigure, stop and start again on the same ports (so that a test can
 * watch the link fail and recover without touching the camera).
 */
import type { Logger } from 'pino'
import { startRadarSimulator, type RadarSimulator, type RadarSimulatorOptions } from '../radar-sim/radar.js'
import { FaultSet } from '../radar-sim/faults.js'
import type { SimulatorControl, SimulatorStatus } from '../control/simulator-control.js'

export interface BuiltinRadarOptions {
  host: string
  httpPort: number
  rtspPort: number
  user?: string
  password?: string
  serial?: string
  scenario?: string
  seed?: number
  rate?: number
  logger: Logger
}

export const BUILTIN_RADAR_USER = 'root'
export const BUILTIN_RADAR_PASSWORD = 'radar'

export class BuiltinRadar implements SimulatorControl {
  private sim: RadarSimulator | undefined
  private readonly faults = new FaultSet()
  private scenario: string
  private seed: number | undefined
  private ports: { http: number, rtsp: number }

  private constructor (private readonly opts: BuiltinRadarOptions) {
    this.scenario = opts.scenario ?? 'default'
    this.seed = opts.seed
    this.ports = { http: opts.httpPort, rtsp: opts.rtspPort }
  }

  static async start (opts: BuiltinRadarOptions): Promise<BuiltinRadar> {
    const radar = new BuiltinRadar(opts)
    await radar.start()
    return radar
  }

  get httpPort (): number { return this.ports.http }
  get rtspPort (): number { return this.ports.rtsp }
  get user (): string { return this.opts.user ?? BUILTIN_RADAR_USER }
  get password (): string { return this.opts.password ?? BUILTIN_RADAR_PASSWORD }
  /** The address to give setRadarConnection. */
  get address (): string {
    const host = this.opts.host === '0.0.0.0' ? '127.0.0.1' : this.opts.host === '::' ? '::1' : this.opts.host
    return host.includes(':') ? `[${host}]:${this.ports.http}` : `${host}:${this.ports.http}`
  }

  async start (): Promise<void> {
    if (this.sim !== undefined) return
    const options: RadarSimulatorOptions = {
      host: this.opts.host,
      httpPort: this.ports.http,
      rtspPort: this.ports.rtsp,
      user: this.user,
      password: this.password,
      serial: this.opts.serial,
      scenario: this.scenario,
      seed: this.seed,
      rate: this.opts.rate,
      faults: this.faults,
      logger: this.opts.logger
    }
    this.sim = await startRadarSimulator(options)
    // Ports chosen by the system (0) are kept for restarts.
    this.ports = { http: this.sim.httpPort, rtsp: this.sim.rtspPort }
  }

  async stop (): Promise<void> {
    const sim = this.sim
    this.sim = undefined
    await sim?.close()
  }

  async setScenario (nameOrPath: string, seed?: number): Promise<void> {
    if (this.sim !== undefined) {
      const applied = await this.sim.setScenario(nameOrPath, seed)
      this.scenario = applied.scenario
      this.seed = applied.seed
    } else {
      this.scenario = nameOrPath
      if (seed !== undefined) this.seed = seed
    }
  }

  setFaults (specs: string[]): void { this.faults.set(specs) }

  status (): SimulatorStatus {
    const s = this.sim?.status()
    return {
      running: this.sim !== undefined,
      address: this.address,
      httpPort: this.ports.http,
      rtspPort: this.ports.rtsp,
      user: this.user,
      scenario: s?.scenario ?? this.scenario,
      seed: s?.seed ?? this.seed ?? 1,
      faults: this.faults.specs(),
      ...(s !== undefined ? { streaming: s.streaming, rtsp: s.rtsp } : {})
    }
  }
}
