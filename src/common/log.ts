import type { Logger } from 'pino'

/** The logging surface modules need; both pino and Fastify loggers fit it. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>
