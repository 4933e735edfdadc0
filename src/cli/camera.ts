#!/usr/bin/env node
/**
 * `radar-pairing-emulator`: an emulated Axis camera with the Network Radar
 * Pairing API, by default with a built-in simulated radar to pair with.
 *
 *   npm start                          camera on 127.0.0.1:8080, radar on 8081 / RTSP 8554
 *   npm start -- --cameras 20 --no-sim 20 cameras on 8080-8099
 *
 * Every flag has an RPE_* environment variable (flags win).
 */
import { readFileSync } from 'node:fs'
import closeWithGrace from 'close-with-grace'
import type { LevelWithSilent } from 'pino'
import { createLogger, LOG_LEVELS } from '../common/logger.js'
import { intFlag, oneOf, parseFlags, usage, UsageError, type FlagSpec } from './args.js'
import { DEFAULT_USERS, UserStore } from '../vapix/users.js'
import { PROFILES, type Profile } from '../pairing/schema.js'
import { startFleet, MAX_CAMERAS, type Fleet } from '../fleet/fleet.js'

export const CAMERA_FLAGS = {
  host: { type: 'string', env: 'RPE_HOST', default: '127.0.0.1', value: 'ADDR', help: 'Address to listen on (0.0.0.0 in containers)' },
  port: { type: 'string', env: 'RPE_PORT', default: '8080', value: 'PORT', help: 'HTTP port of the camera (camera i of a fleet: PORT+i)' },
  'state-dir': { type: 'string', env: 'RPE_STATE_DIR', default: './state', value: 'DIR', help: 'Where the pairing configuration is kept (fleet: DIR/camera-N)' },
  users: { type: 'string', env: 'RPE_USERS', value: 'FILE', help: 'JSON list of {name, password, role} replacing root/pass, operator/operator, viewer/viewer' },
  profile: { type: 'string', env: 'RPE_PROFILE', default: '2025-08', value: 'NAME', help: `Firmware profile: ${PROFILES.join(' or ')}` },
  serial: { type: 'string', env: 'RPE_SERIAL', default: 'ACCC8E000001', value: 'HEX12', help: 'Serial number; the Digest realm is AXIS_<serial> (fleet: SERIAL+i)' },
  'radar-ca': { type: 'string', env: 'RPE_RADAR_CA', value: 'FILE', help: 'PEM CA certificate(s) trusted for tls-verify, besides the system CAs' },
  cameras: { type: 'string', env: 'RPE_CAMERAS', default: '1', value: 'N', help: `Fleet mode: N independent cameras in this process (1-${MAX_CAMERAS})` },
  'no-sim': { type: 'boolean', env: 'RPE_NO_SIM', help: 'Do not start the built-in simulated radar' },
  'sim-port': { type: 'string', env: 'RPE_SIM_PORT', value: 'PORT', help: 'HTTP port of the built-in radar (default 8081; fleet: PORT+N where N is --cameras)' },
  'sim-rtsp-port': { type: 'string', env: 'RPE_SIM_RTSP_PORT', default: '8554', value: 'PORT', help: 'RTSP port of the built-in radar (fleet: +i)' },
  scenario: { type: 'string', env: 'RPE_SCENARIO', default: 'default', value: 'NAME|FILE', help: 'Scenario of the built-in radar (default, empty, crowd, fast-vehicles, fifty-tracks, or a file)' },
  seed: { type: 'string', env: 'RPE_SEED', value: 'N', help: 'Seed of the built-in radar\'s scene' },
  'log-level': { type: 'string', env: 'RPE_LOG_LEVEL', default: 'info', value: 'LEVEL', help: `Log level: ${LOG_LEVELS.join(', ')}` },
  help: { type: 'boolean', env: 'RPE_HELP', help: 'Show this help' }
} satisfies Record<string, FlagSpec>

const SUMMARY = 'An emulated Axis network camera with the Network Radar Pairing API (POST /networkradarpairing.cgi),\n' +
  'API Discovery, the ws-data-stream overlay, a demo page at /, and the emulator control API at /emulator/v1.'

function fail (message: string): never {
  process.stderr.write(`radar-pairing-emulator: ${message}\nTry radar-pairing-emulator --help\n`)
  process.exit(2)
}

async function main (argv: string[]): Promise<void> {
  let flags
  try {
    flags = parseFlags(argv, CAMERA_FLAGS)
  } catch (err) {
    if (err instanceof UsageError) fail(err.message)
    throw err
  }
  if (flags.help === true) {
    process.stdout.write(usage('radar-pairing-emulator', SUMMARY, CAMERA_FLAGS))
    return
  }
  let options: Parameters<typeof startFleet>[0]
  try {
    const level = oneOf('log-level', flags['log-level'], LOG_LEVELS) as LevelWithSilent
    const logger = createLogger({ level, name: 'camera' })
    const count = intFlag('cameras', flags.cameras, 1, MAX_CAMERAS)
    const port = intFlag('port', flags.port, 0, 65535)
    const serial = String(flags.serial)
    if (!/^[0-9A-F]{12}$/.test(serial)) throw new UsageError(`--serial must be 12 upper-case hex digits, got ${JSON.stringify(serial)}`)
    let users: UserStore
    try {
      users = flags.users === undefined ? new UserStore(DEFAULT_USERS) : UserStore.fromFile(String(flags.users))
    } catch (err) {
      throw new UsageError((err as Error).message)
    }
    let radarCa: string | undefined
    if (flags['radar-ca'] !== undefined) {
      try {
        radarCa = readFileSync(String(flags['radar-ca']), 'utf8')
      } catch (err) {
        throw new UsageError(`--radar-ca ${String(flags['radar-ca'])}: ${(err as Error).message}`)
      }
    }
    const simPort = flags['sim-port'] === undefined
      ? (count === 1 ? 8081 : port + count)
      : intFlag('sim-port', flags['sim-port'], 0, 65535)
    options = {
      count,
      host: String(flags.host),
      port,
      stateDir: String(flags['state-dir']),
      serial,
      users,
      profile: oneOf('profile', flags.profile, PROFILES) as Profile,
      logger,
      radarCa,
      sim: flags['no-sim'] === true
        ? false
        : {
            httpPort: simPort,
            rtspPort: intFlag('sim-rtsp-port', flags['sim-rtsp-port'], 0, 65535),
            scenario: String(flags.scenario),
            seed: flags.seed === undefined ? undefined : intFlag('seed', flags.seed, 0, 2 ** 32 - 1)
          }
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) fail(err.message)
    throw err
  }

  const log = options.logger
  let fleet: Fleet
  try {
    fleet = await startFleet(options)
  } catch (err) {
    if (err instanceof RangeError) fail(err.message)
    log.fatal({ err }, `cannot start: ${(err as Error).message}`)
    log.flush?.()
    process.exit(1)
  }

  for (const m of fleet.members) {
    log.info({
      camera: m.server.url,
      port: m.server.port,
      serial: m.serial,
      stateDir: m.stateDir,
      ...(m.radar !== undefined ? { radar: m.radar.address, radarRtspPort: m.radar.rtspPort, radarUser: m.radar.user } : {})
    }, 'camera listening')
  }
  if (fleet.members.length === 1 && fleet.members[0].radar !== undefined) {
    const m = fleet.members[0]
    log.info(`pair with the built-in radar: setRadarConnection {"address":"${m.radar?.address}","user":"${m.radar?.user}","password":"…"} — see README`)
  }

  // SIGINT/SIGTERM: WebSockets closed with 1001, RTSP sessions torn down, pending state writes finished, exit 0.
  closeWithGrace({ delay: 10_000, logger: { error: (m: unknown) => log.error(m) } }, async ({ signal, err }) => {
    if (err !== undefined) log.error({ err }, 'fatal error, shutting down')
    else log.info({ signal }, 'shutting down')
    await fleet.close()
    log.info('stopped')
    log.flush?.()
  })
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`radar-pairing-emulator: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
