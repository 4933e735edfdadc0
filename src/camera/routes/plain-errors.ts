/**
 * Errors of the camera's plain HTTP endpoints (wssession.cgi, the data-stream
 * upgrade, the demo page) rendered as short text/plain answers: status line
 * text, catalogue headers (WWW-Authenticate on 401), no internal details.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { VapixError } from '../../vapix/errors.js'

/** A 4xx/5xx answer with a fixed public text (`detail` is for logs only). */
export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly publicText: string, detail?: string, readonly headers: Record<string, string> = {}) {
    super(publicText)
    if (detail !== undefined) this.cause = detail
  }
}

export function plainTextErrors (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | VapixError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    let status: number
    let text: string
    let headers: Record<string, string | string[]> = {}
    if (error instanceof VapixError) {
      status = error.statusCode
      text = `${STATUS_CODES[status] ?? 'Error'}: ${error.message}`
      headers = error.headers
    } else if (error instanceof HttpError) {
      status = error.statusCode
      text = `${STATUS_CODES[status] ?? 'Error'}: ${error.publicText}`
      headers = error.headers
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode
      text = STATUS_CODES[status] ?? 'Error'
    } else {
      status = 500
      text = 'Internal Server Error'
    }
    if (status >= 500 && !(error instanceof HttpError)) request.log.error({ err: error }, 'internal error')
    else request.log.info({ status, reason: (error as Error).cause }, 'request refused')
    for (const [k, v] of Object.entries(headers)) reply.header(k, v)
    return reply.code(status).type('text/plain; charset=utf-8').send(text + '\n')
  })
}
