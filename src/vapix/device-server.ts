/**
 * A device's Fastify instance: server limits for slow and hostile clients,
 * one log line per request, secrets never logged. Shared by the camera and
 * the radar simulator.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'

/** HTTP server limits (issue #7: slow and hostile clients). */
export const HTTP_LIMITS = {
  /** Whole request, headers and body (ms). */
  requestTimeout: 10_000,
  /** Headers alone (ms). */
  headersTimeout: 5_000,
  /** Idle keep-alive connections (ms). */
  keepAliveTimeout: 5_000,
  /** Largest JSON CGI body (bytes). */
  bodyLimit: 64 * 1024
} as const

export function deviceFastify (logger: Logger, extra: Partial<FastifyServerOptions> = {}): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout: HTTP_LIMITS.requestTimeout,
    keepAliveTimeout: HTTP_LIMITS.keepAliveTimeout,
    bodyLimit: HTTP_LIMITS.bodyLimit,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // Unknown members are errors, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    ...extra
  }) as unknown as FastifyInstance
  app.server.headersTimeout = HTTP_LIMITS.headersTimeout
  // One line per request (method, path without query, status, user, duration).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({
      method: request.method,
      url: request.url.split('?')[0],
      status: reply.statusCode,
      user: request.vapixUser?.name,
      vapixMethod: request.vapixEnvelope?.method,
      ms: Math.round(reply.elapsedTime * 10) / 10
    }, 'request')
  })
  return app
}
