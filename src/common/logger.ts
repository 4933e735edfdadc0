/**
 * pino loggers for both devices: secrets redacted wherever they could appear,
 * readable output on a terminal, JSON lines elsewhere.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino'

/** Paths that must never reach a log line. */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers.cookie',
  'headers.authorization', 'authorization',
  'password', '*.password', '*.*.password', 'params.password', 'config.password',
  'wssession', '*.wssession'
]

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface LoggerOptions {
  level?: LevelWithSilent
  name?: string
  /** Pretty-print (default: when stdout is a terminal). */
  pretty?: boolean
  /** Destination stream (tests capture logs with it). */
  destination?: NodeJS.WritableStream
}

export function createLogger (opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info'
  if (!LOG_LEVELS.includes(level)) throw new TypeError(`log level must be one of ${LOG_LEVELS.join(', ')}`)
  const base = { level, name: opts.name, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }
  if (opts.destination !== undefined) return pino(base, opts.destination as pino.DestinationStream)
  const pretty = opts.pretty ?? process.stdout.isTTY === true
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } })
  }
  return pino(base)
}
