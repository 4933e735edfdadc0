/**
 * A VAPIX JSON CGI: `POST <url>` with one JSON object per request, answered
 * in the VAPIX envelope. Handles the transport rules shared by every JSON CGI
 * of both devices: 405 for other verbs, 411 without a length, 413 over the
 * body limit, JSON whatever the Content-Type, 2101 for invalid JSON,
 * authentication (401/2106) and roles per method (403/2105), and 500/1100
 * for anything unexpected, without leaking details.
 * Spec: network-radar-pairing.md "Transport", "Errors", "Decisions".
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TObject, Static } from '@sinclair/typebox'
import { Errors, VapixError } from './errors.js'
import { answer, readEnvelope, ParamsValidator, type ApiVersions, type Envelope } from './envelope.js'
import type { Role, User } from './users.js'

export interface MethodContext {
  request: FastifyRequest
  /** undefined on anonymous CGIs. */
  user: User | undefined
  envelope: Envelope
}

export interface JsonCgiMethod<S extends TObject = TObject> {
  /** Least role allowed; null for anonymous methods. */
  role: Role | null
  params?: S
  /** Members accepted and dropped (read-only fields clients echo back). */
  ignoredParams?: readonly string[]
  handler: (params: Static<S>, ctx: MethodContext) => unknown
}

/** Infers a method's param type from its schema. */
export const method = <S extends TObject>(m: JsonCgiMethod<S>): JsonCgiMethod<S> => m

export interface JsonCgiOptions {
  url: string
  versions: ApiVersions | (() => ApiVersions)
  methods: Record<string, JsonCgiMethod<any>> | (() => Record<string, JsonCgiMethod<any>>)
  /** Methods accepted without apiVersion. */
  versionless?: readonly string[]
  /** No authentication at all (API Discovery). */
  anonymous?: boolean
  /** Default 64 KiB. */
  bodyLimit?: number
  /** Called before each method runs (camera fault injection hooks in here). */
  beforeMethod?: (ctx: MethodContext) => Promise<void> | void
  /** Called after each answer (the request journal). */
  afterAnswer?: (info: { request: FastifyRequest, envelope: Partial<Envelope>, error?: VapixError, durationMs: number }) => void
}

declare module 'fastify' {
  interface FastifyRequest {
    vapixEnvelope?: Partial<Envelope>
    vapixStart?: bigint
  }
}

const OTHER_VERBS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const

/** Registers one JSON CGI in its own encapsulated context (parsers and error handler stay local). */
export async function jsonCgi (app: FastifyInstance, opts: JsonCgiOptions): Promise<void> {
  if (!opts.url.startsWith('/')) throw new TypeError(`jsonCgi: url must start with /, got ${opts.url}`)
  const bodyLimit = opts.bodyLimit ?? 64 * 1024
  const versionsOf = typeof opts.versions === 'function' ? opts.versions : () => opts.versions as ApiVersions
  const methodsOf = typeof opts.methods === 'function' ? opts.methods : () => opts.methods as Record<string, JsonCgiMethod>
  // The method names of each methods object, made once rather than per request.
  const methodNames = new WeakMap<object, ReadonlySet<string>>()
  const namesOf = (methods: Record<string, JsonCgiMethod>): ReadonlySet<string> => {
    let names = methodNames.get(methods)
    if (names === undefined) methodNames.set(methods, names = new Set(Object.keys(methods)))
    return names
  }
  const validators = new WeakMap<JsonCgiMethod, ParamsValidator<TObject>>()
  const validatorFor = (m: JsonCgiMethod): ParamsValidator<TObject> | undefined => {
    if (m.params === undefined) return undefined
    let v = validators.get(m)
    if (v === undefined) { v = new ParamsValidator(m.params, m.ignoredParams); validators.set(m, v) }
    return v
  }
  const versionless = new Set(opts.versionless ?? [])
  if (!opts.anonymous && !app.hasDecorator('vapixAuth')) throw new Error(`jsonCgi ${opts.url}: register vapixAuth first (or set anonymous)`)

  await app.register(async (cgi) => {
    // Spec Decisions/Body: parsed as JSON whatever the Content-Type says.
    cgi.removeAllContentTypeParsers()
    cgi.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })

    const send = (request: FastifyRequest, reply: FastifyReply, err: VapixError | undefined, data?: unknown): FastifyReply => {
      const env = request.vapixEnvelope ?? {}
      const versions = versionsOf()
      const head = { apiVersion: env.apiVersion ?? versions.highest, context: env.context, method: env.method }
      if (err !== undefined) {
        for (const [k, v] of Object.entries(err.headers)) reply.header(k, v)
        reply.code(err.statusCode)
      }
      opts.afterAnswer?.({ request, envelope: env, error: err, durationMs: request.vapixStart === undefined ? 0 : Number(process.hrtime.bigint() - request.vapixStart) / 1e6 })
      return reply.type('application/json').send(answer(head, err !== undefined ? { error: err } : { data }))
    }

    cgi.setErrorHandler((error: Error & { statusCode?: number, code?: unknown }, request, reply) => {
      let err: VapixError
      if (error instanceof VapixError) err = error
      else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') err = Errors.transport(413, 'body over limit')
      else if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') err = Errors.invalidJson(error.message)
      else if (error.statusCode === 408) err = Errors.transport(408, 'request timeout')
      else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) err = Errors.invalidJson(error.message)
      else err = Errors.internal()
      if (err.statusCode >= 500) request.log.error({ err: error }, 'internal error in JSON CGI')
      else request.log.info({ code: err.code, reason: err.cause }, 'VAPIX error')
      request.vapixEnvelope = { ...request.vapixEnvelope, ...err.echo }
      return send(request, reply, err)
    })

    cgi.route({
      method: [...OTHER_VERBS],
      url: opts.url,
      exposeHeadRoute: false,
      handler: async () => {
        const err = Errors.transport(405, 'wrong HTTP method')
        err.headers.allow = 'POST'
        throw err
      }
    })

    cgi.route({
      method: 'POST',
      url: opts.url,
      onRequest: async (request) => {
        request.vapixStart = process.hrtime.bigint()
        if (!opts.anonymous) await app.vapixAuth.authenticate(request)
        // Spec Decisions/Body: neither Content-Length nor chunked → 411.
        if (request.headers['content-length'] === undefined && request.headers['transfer-encoding'] === undefined) {
          throw Errors.transport(411, 'no Content-Length')
        }
      },
      handler: async (request, reply) => {
        const raw = request.body as Buffer | undefined
        if (raw === undefined || raw.length === 0) throw Errors.invalidJson('empty body')
        let body: unknown
        try {
          body = JSON.parse(raw.toString('utf8'))
        } catch {
          throw Errors.invalidJson('unparsable JSON')
        }
        const methods = methodsOf()
        const envelope = readEnvelope(body, { versions: versionsOf(), methods: namesOf(methods), versionless })
        request.vapixEnvelope = envelope
        const m = methods[envelope.method]
        if (m.role !== null && !opts.anonymous) app.vapixAuth.authorize(request, m.role)
        const params = validatorFor(m)?.validate(envelope.params) ?? (Object.keys(envelope.params).length > 0 && m.params === undefined ? rejectParams(envelope.params) : {})
        const ctx: MethodContext = { request, user: request.vapixUser, envelope }
        await opts.beforeMethod?.(ctx)
        const data = await m.handler(params, ctx)
        return send(request, reply, undefined, data)
      }
    })
  })
}

/** Methods without params refuse any (spec: unknown parameters → 2104). */
function rejectParams (params: Record<string, unknown>): never {
  throw Errors.invalidParameter(`unknown parameter ${Object.keys(params)[0]}`)
}
