/**
 * One or many cameras in one process (fleet mode): camera i listens on
 * port + i with its own serial (realm), state directory, radar link and,
 * unless disabled, its own built-in simulated radar.
 */
import { join } from 'node:path'
import type { Logger } from 'pino'
import { startCameraServer, type CameraServer } from '../camera/server.js'
import { createLinkStarter } from '../radar-link/index.js'
import type { UserStore } from '../vapix/users.js'
import type { Profile } from '../pairing/schema.js'
import type { HttpLimits } from '../vapix/device-server.js'
import { BuiltinRadar } from './builtin-radar.js'

export interface FleetOptions {
  count: number
  host: string
  /** Camera i listens on port + i. */
  port: number
  stateDir: string
  /** Serial of camera 0; camera i gets serial + i (hex). */
  serial: string
  users: UserStore
  profile: Profile
  logger: Logger
  /** Built-in radars: HTTP on httpPort + i, RTSP on rtspPort + i; false for none. */
  sim: false | { httpPort: number, rtspPort: number, scenario?: string, seed?: number, rate?: number }
  radarCa?: string
  httpLimits?: Partial<HttpLimits>
}

export interface FleetMember {
  index: number
  serial: string
  stateDir: string
  server: CameraServer
  radar?: BuiltinRadar
}

export interface Fleet {
  members: FleetMember[]
  close: () => Promise<void>
}

export const MAX_CAMERAS = 1000

/** Serial `base + i`, 12 upper-case hex digits. */
export function nthSerial (base: string, i: number): string {
  const n = BigInt(`0x${base}`) + BigInt(i)
  if (n > 0xFFFFFFFFFFFFn) throw new RangeError(`serial ${base} + ${i} overflows 12 hex digits`)
  return n.toString(16).toUpperCase().padStart(12, '0')
}

/** Checks that no two listeners share a port (0 means "any" and never collides). */
export function checkPorts (o: Pick<FleetOptions, 'count' | 'port' | 'sim'>): void {
  const ranges: Array<[string, number]> = [['--port', o.port]]
  if (o.sim !== false) ranges.push(['--sim-port', o.sim.httpPort], ['--sim-rtsp-port', o.sim.rtspPort])
  for (const [name, start] of ranges) {
    if (start !== 0 && start + o.count - 1 > 65535) throw new RangeError(`${name} ${start} + ${o.count} cameras goes past port 65535`)
  }
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length; b++) {
      const [na, sa] = ranges[a]
      const [nb, sb] = ranges[b]
      if (sa !== 0 && sb !== 0 && sa < sb + o.count && sb < sa + o.count) {
        throw new RangeError(`${na} ${sa}-${sa + o.count - 1} overlaps ${nb} ${sb}-${sb + o.count - 1}; choose ports ${o.count} apart`)
      }
    }
  }
}

export async function startFleet (o: FleetOptions): Promise<Fleet> {
  if (!Number.isInteger(o.count) || o.count < 1 || o.count > MAX_CAMERAS) throw new RangeError(`cameras must be 1 to ${MAX_CAMERAS}`)
  checkPorts(o)
  const members: FleetMember[] = []
  const close = async (): Promise<void> => {
    // Cameras first (their links tear down RTSP sessions), then the radars.
    await Promise.allSettled(members.map(async (m) => m.server?.close()))
    await Promise.allSettled(members.map(async (m) => m.radar?.stop()))
  }
  try {
    for (let i = 0; i < o.count; i++) {
      const serial = nthSerial(o.serial, i)
      const log = o.count === 1 ? o.logger : o.logger.child({ camera: serial })
      const stateDir = o.count === 1 ? o.stateDir : join(o.stateDir, `camera-${String(i + 1).padStart(String(o.count).length, '0')}`)
      let radar: BuiltinRadar | undefined
      if (o.sim !== false) {
        radar = await BuiltinRadar.start({
          host: o.host,
          httpPort: o.sim.httpPort === 0 ? 0 : o.sim.httpPort + i,
          rtspPort: o.sim.rtspPort === 0 ? 0 : o.sim.rtspPort + i,
          serial: nthSerial('ACCC8E0D0000', i),
          scenario: o.sim.scenario,
          seed: o.sim.seed,
          rate: o.sim.rate,
          logger: log.child({ device: 'radar-sim' })
        })
      }
      const member: Partial<FleetMember> = { index: i, serial, stateDir, radar }
      members.push(member as FleetMember)
      member.server = await startCameraServer({
        host: o.host,
        port: o.port === 0 ? 0 : o.port + i,
        serial,
        profile: o.profile,
        stateDir,
        users: o.users,
        logger: log,
        httpLimits: o.httpLimits,
        simulator: radar,
        linkFactory: (sink) => createLinkStarter({ sink, log, radarCa: o.radarCa })
      })
    }
  } catch (err) {
    await close()
    throw err
  }
  return { members, close }
}
