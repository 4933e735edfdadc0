#!/usr/bin/env node
/**
 * `radar-sim`: the simulated Axis radar (VAPIX over HTTP(S), ONVIF metadata
 * over RTSP(S)) for the camera emulator, curl and ffprobe.
 *
 *   radar-sim --scenario crowd --fault stall-after:30s
 *   ffprobe -rtsp_transport tcp "rtsp://root:radar@127.0.0.1:8554/axis-media/media.amp?video=0&audio=0&event=off&analytics=polygon"
 *
 * Every flag has a RADAR_SIM_* environment variable (flags win). The
 * password is never logged; prefer RADAR_SIM_PASSWORD over --password on
 * shared machines (command lines are visible to other users).
 */
import { readFileSync } from 'node:fs'
import { createLogger, LOG_LEVELS } from '../common/logger.js'
import { intFlag, oneOf, parseFlags, usage, UsageError, type FlagSpec } from './args.js'
import { startRadarSimulator, DEFAULT_RADAR_SERIAL, type RadarSimulator } from '../radar-sim/radar.js'
import { FaultSet, FAULT_SYNTAX } from '../radar-sim/faults.js'
import type { LevelWithSilent } from 'pino'

export const RADAR_SIM_FLAGS = {
  host: { type: 'string', env: 'RADAR_SIM_HOST', default: '127.0.0.1', value: 'ADDR', help: 'Address to listen on' },
  port: { type: 'string', env: 'RADAR_SIM_PORT', default: '8081', value: 'PORT', help: 'HTTP (VAPIX) port' },
  'rtsp-port': { type: 'string', env: 'RADAR_SIM_RTSP_PORT', default: '8554', value: 'PORT', help: 'RTSP port' },
  'https-port': { type: 'string', env: 'RADAR_SIM_HTTPS_PORT', default: '8443', value: 'PORT', help: 'HTTPS port (with --tls-cert and --tls-key)' },
  'rtsps-port': { type: 'string', env: 'RADAR_SIM_RTSPS_PORT', default: '8322', value: 'PORT', help: 'RTSPS port (with --tls-cert and --tls-key)' },
  'tls-cert': { type: 'string', env: 'RADAR_SIM_TLS_CERT', value: 'FILE', help: 'PEM certificate (chain) for HTTPS and RTSPS' },
  'tls-key': { type: 'string', env: 'RADAR_SIM_TLS_KEY', value: 'FILE', help: 'PEM private key for HTTPS and RTSPS' },
  'control-port': { type: 'string', env: 'RADAR_SIM_CONTROL_PORT', value: 'PORT', help: 'Extra port serving only /radar-sim/control (reachable under the refuse fault)' },
  user: { type: 'string', env: 'RADAR_SIM_USER', default: 'root', value: 'NAME', help: 'The radar\'s admin user' },
  password: { type: 'string', env: 'RADAR_SIM_PASSWORD', default: 'radar', value: 'SECRET', help: 'Its password' },
  serial: { type: 'string', env: 'RADAR_SIM_SERIAL', default: DEFAULT_RADAR_SERIAL, value: 'HEX12', help: 'Serial number (realm AXIS_<serial>)' },
  scenario: { type: 'string', env: 'RADAR_SIM_SCENARIO', default: 'fixtures/scenarios/default.yaml', value: 'FILE|NAME', help: 'Scenario file, or a fixture name (default, empty, crowd, fast-vehicles, fifty-tracks)' },
  seed: { type: 'string', env: 'RADAR_SIM_SEED', value: 'N', help: 'Scene seed (default: the scenario\'s own, else 1)' },
  rate: { type: 'string', env: 'RADAR_SIM_RATE', default: '10', value: 'HZ', help: 'Frames per second (1-100)' },
  'session-timeout': { type: 'string', env: 'RADAR_SIM_SESSION_TIMEOUT', default: '60', value: 'SECONDS', help: 'RTSP session timeout' },
  fault: { type: 'string', multiple: true, env: 'RADAR_SIM_FAULT', value: 'SPEC', help: `Fault to show, repeatable (env: comma-separated): ${FAULT_SYNTAX.join(', ')}` },
  'log-level': { type: 'string', env: 'RADAR_SIM_LOG_LEVEL', default: 'info', value: 'LEVEL', help: `Log level: ${LOG_LEVELS.join(', ')}` },
  help: { type: 'boolean', env: 'RADAR_SIM_HELP', help: 'Show this help' }
} satisfies Record<string, FlagSpec>

const SUMMARY = 'A simulated Axis radar: VAPIX (param.cgi, apidiscovery.cgi, properties.cgi) over HTTP(S) and the ONVIF\n' +
  'analytics metadata stream over RTSP(S), with faults for testing (see --fault). Control endpoint: POST /radar-sim/control.'

const readPem = (flag: string, path: string): string => {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new UsageError(`--${flag} ${path}: ${(err as Error).message}`)
  }
}

async function main (argv: string[]): Promise<void> {
  let flags
  try {
    flags = parseFlags(argv, RADAR_SIM_FLAGS)
  } catch (err) {
    if (err instanceof UsageError) { process.stderr.write(`radar-sim: ${err.message}\nTry radar-sim --help\n`); process.exit(2) }
    throw err
  }
  if (flags.help === true) {
    process.stdout.write(usage('radar-sim', SUMMARY, RADAR_SIM_FLAGS))
    return
  }
  let sim: RadarSimulator
  const logLevel = oneOf('log-level', flags['log-level'], LOG_LEVELS) as LevelWithSilent
  const logger = createLogger({ level: logLevel, name: 'radar-sim' })
  try {
    const certPath = flags['tls-cert'] as string | undefined
    const keyPath = flags['tls-key'] as string | undefined
    if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError('--tls-cert and --tls-key go together (HTTPS and RTSPS listen only with both)')
    const tls = certPath !== undefined && keyPath !== undefined ? { cert: readPem('tls-cert', certPath), key: readPem('tls-key', keyPath) } : undefined
    const rate = Number(flags.rate)
    if (!/^\d+(\.\d+)?$/.test(String(flags.rate)) || !(rate >= 1 && rate <= 100)) throw new UsageError(`--rate must be a number from 1 to 100, got ${JSON.stringify(flags.rate)}`)
    let faults: FaultSet
    try {
      faults = new FaultSet((flags.fault as string[] | undefined) ?? [])
    } catch (err) {
      throw new UsageError(`--fault: ${(err as Error).message}`)
    }
    const password = String(flags.password)
    if (password === '') throw new UsageError('--password must not be empty')
    sim = await startRadarSimulator({
      host: String(flags.host),
      httpPort: intFlag('port', flags.port, 0, 65535),
      rtspPort: intFlag('rtsp-port', flags['rtsp-port'], 0, 65535),
      httpsPort: tls === undefined ? undefined : intFlag('https-port', flags['https-port'], 0, 65535),
      rtspsPort: tls === undefined ? undefined : intFlag('rtsps-port', flags['rtsps-port'], 0, 65535),
      controlPort: flags['control-port'] === undefined ? undefined : intFlag('control-port', flags['control-port'], 0, 65535),
      tls,
      user: String(flags.user),
      password,
      serial: String(flags.serial),
      scenario: String(flags.scenario),
      seed: flags.seed === undefined ? undefined : intFlag('seed', flags.seed, 0, 2 ** 32 - 1),
      rate,
      sessionTimeoutMs: intFlag('session-timeout', flags['session-timeout'], 1, 86_400) * 1000,
      faults,
      logger
    })
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`radar-sim: ${err.message}\nTry radar-sim --help\n`)
      process.exit(2)
    }
    logger.fatal({ err }, `cannot start: ${(err as Error).message}`)
    logger.flush?.()
    process.exit(1)
  }

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once')
      process.exit(1)
    }
    stopping = true
    logger.info({ signal }, 'shutting down')
    const forced = setTimeout(() => { logger.error('shutdown took more than 10 s; exiting'); process.exit(1) }, 10_000)
    forced.unref()
    sim.close().then(() => {
      clearTimeout(forced)
      logger.info('stopped')
      logger.flush?.()
      process.exitCode = 0
    }, (err: unknown) => {
      logger.error({ err }, 'error while shutting down')
      process.exit(1)
    })
  }
  // A second signal while stopping exits at once.
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`radar-sim: ${(err as Error)?.stack ?? String(err)}\n`)
  process.exit(1)
})
