/**
 * A device's Fastify instance: server limits for slow and hostile clients,
 * one log line per request, secrets never logged. Shared by the camera and
 * the radar simulator.
 */
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { AjvCompiler } from '@fastify/ajv-compiler'
import type { Logger } from 'pino'

/** HTTP server limits (issue #7: slow and hostile clients). */
export interface HttpLimits {
  /** Whole request, headers and body (ms). */
  requestTimeout: number
  /** Headers alone (ms). */
  headersTimeout: number
  /** Idle keep-alive connections (ms). */
  keepAliveTimeout: number
  /** How often Node checks the two timeouts above (ms). */
  checkIntervalMs: number
  /** Largest JSON CGI body (bytes). */
  bodyLimit: number
  /** Largest header block (bytes). */
  maxHeaderSize: number
  /** Connections accepted at once; more are refused at accept. */
  maxConnections: number
}

export const HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  requestTimeout: 10_000,
  headersTimeout: 5_000,
  keepAliveTimeout: 5_000,
  checkIntervalMs: 1_000,
  bodyLimit: 64 * 1024,
  maxHeaderSize: 16 * 1024,
  maxConnections: 4_096
})

/** PEM certificate (chain) and key: the device serves HTTPS with them. */
export interface DeviceTls { cert: string | Buffer, key: string | Buffer }

/**
 * One validator compiler for every device of the process (a camera and its
 * built-in radar, a fleet's members): devices with the same Ajv options share
 * one Ajv instance, so its meta-schema and the route schemas they have in
 * common are compiled once, not once per device (~50 ms each at start-up).
 */
const sharedValidatorCompiler = AjvCompiler()

export function deviceFastify (logger: Logger, overrides: Partial<HttpLimits> = {}, extra: Partial<FastifyServerOptions> = {}, tls?: DeviceTls): FastifyInstance {
  const limits = { ...HTTP_LIMITS, ...overrides }
  const serverOptions = {
    requestTimeout: limits.requestTimeout,
    headersTimeout: limits.headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    connectionsCheckingInterval: limits.checkIntervalMs,
    maxHeaderSize: limits.maxHeaderSize
  }
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    serverFactory: (handler) => {
      const server = tls === undefined
        ? createServer(serverOptions, handler)
        : createHttpsServer({ ...serverOptions, cert: tls.cert, key: tls.key, handshakeTimeout: limits.headersTimeout }, handler)
      server.maxConnections = limits.maxConnections
      return server as ReturnType<typeof createServer>
    },
    bodyLimit: limits.bodyLimit,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // Unknown members are errors, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: sharedValidatorCompiler } },
    ...extra
  }) as unknown as FastifyInstance
  // One line per request (method, path without query, status, user, duration).
  // Its fields are fixed and never hold a secret (no query string, no
  // headers, no params), so it is written through a child logger without the
  // redaction pass (the wildcard redact paths cost ~7 us per line in a
  // microbenchmark; this runs on every request). reqId is added as
  // request.log would.
  const requestLog = logger.child({}, { redact: { paths: [] } })
  app.addHook('onResponse', (request, reply, done) => {
    if (requestLog.isLevelEnabled('info')) {
      const q = request.url.indexOf('?')
      requestLog.info({
        reqId: request.id,
        method: request.method,
        url: q < 0 ? request.url : request.url.slice(0, q),
        status: reply.statusCode,
        user: request.vapixUser?.name,
        vapixMethod: request.vapixEnvelope?.method,
        ms: Math.round(reply.elapsedTime * 10) / 10
      }, 'request')
    }
    done()
  })
  return app
}
