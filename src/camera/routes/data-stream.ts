/**
 * `GET /vapix/ws-data-stream?sources=…` — the VAPIX data stream over
 * WebSocket (overlay-stream.md). Upgrade requests from the HTTP server's
 * 'upgrade' event are dispatched through Fastify's router like any request,
 * so that authentication (Digest/Basic through vapixAuth, or a one-time
 * `wssession` token), the role check and the source check all answer with a
 * plain HTTP status (401 with the challenges, 400, 503) BEFORE any upgrade.
 * Only then does `ws` (noServer mode, no compression, 64 KiB messages)
 * perform the handshake, and the hub adopts the connection.
 * Also registers `GET /axis-cgi/wssession.cgi` and the API Discovery entry.
 */
import { ServerResponse, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { WebSocketServer } from 'ws'
import type { OverlayHub } from '../../overlay/hub.js'
import { SessionTokens, TOKEN_RE } from '../../overlay/tokens.js'
import { SOURCES, type Source } from '../../overlay/messages.js'
import { DOC_BASE, type ApiEntry, type ApiRegistry } from '../../vapix/api-discovery.js'
import { Errors, type VapixError } from '../../vapix/errors.js'
import type { User } from '../../vapix/users.js'
import { HttpError, plainTextErrors } from './plain-errors.js'
import { wsSessionRoutes } from './wssession.js'

export const DATA_STREAM_PATH = '/vapix/ws-data-stream'

export const EVENT_STREAMING_API_ENTRY: ApiEntry = {
  id: 'event-streaming-over-websocket',
  version: '1.0',
  name: 'Event streaming over WebSocket',
  docLink: `${DOC_BASE}/event-streaming-over-websocket`,
  status: 'released'
}

export interface DataStreamOptions {
  hub: OverlayHub
  apis: ApiRegistry
  /** wssession token lifetime (ms); default 15 000. */
  tokenTtlMs?: number
  /** Live tokens kept at most; default 1000. */
  maxTokens?: number
}

interface PendingUpgrade { socket: Duplex, head: Buffer }
const kUpgrade = Symbol('rpe.upgrade')
type UpgradeRequest = IncomingMessage & { [kUpgrade]?: PendingUpgrade }

declare module 'fastify' {
  interface FastifyRequest {
    dataStreamSources?: Set<Source>
  }
}

/** Parses `sources=a,b`; undefined when missing, empty or naming an unknown source. */
export function parseSources (value: unknown): { sources: Set<Source> } | { error: string } {
  if (typeof value !== 'string' || value.trim() === '') return { error: 'the sources parameter is required' }
  const out = new Set<Source>()
  for (const raw of value.split(',')) {
    const name = raw.trim()
    if (!(SOURCES as readonly string[]).includes(name)) return { error: `unknown source ${JSON.stringify(name.slice(0, 64))}` }
    out.add(name as Source)
  }
  return { sources: out }
}

export async function dataStreamRoutes (app: FastifyInstance, opts: DataStreamOptions): Promise<void> {
  const { hub } = opts
  const tokens = new SessionTokens({ ttlMs: opts.tokenTtlMs, max: opts.maxTokens })
  opts.apis.add(EVENT_STREAMING_API_ENTRY)
  await app.register(wsSessionRoutes, { tokens })

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false, // required: session.ts writes pre-framed messages to the socket
    maxPayload: hub.limits.maxMessageBytes
  })

  const refuseUpgrade = (socket: Duplex, status: number): void => {
    socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Service Unavailable'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  const onUpgrade = (req: UpgradeRequest, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => { socket.destroy() })
    const path = (req.url ?? '').split('?')[0]
    if (path !== DATA_STREAM_PATH) {
      // Leave other paths to another 'upgrade' listener, if there is one.
      if (app.server.listenerCount('upgrade') <= 1) refuseUpgrade(socket, 404)
      return
    }
    if (!hub.accepting) { refuseUpgrade(socket, 503); return }
    req[kUpgrade] = { socket, head }
    const res = new ServerResponse(req)
    try {
      res.assignSocket(socket as Socket)
      app.routing(req, res)
    } catch (err) {
      app.log.warn({ err }, 'data stream upgrade failed')
      socket.destroy()
    }
  }
  app.server.on('upgrade', onUpgrade)

  app.addHook('preClose', async () => {
    app.server.off('upgrade', onUpgrade)
    await hub.close()
  })
  app.addHook('onClose', async () => { wss.close() })

  const authenticate = async (request: FastifyRequest): Promise<void> => {
    const { wssession } = request.query as { wssession?: unknown }
    if (wssession !== undefined) {
      const user = typeof wssession === 'string' && TOKEN_RE.test(wssession) ? tokens.consume(wssession) : undefined
      if (user === undefined) {
        const err: VapixError = Errors.authenticationFailed('invalid, used or expired wssession token')
        err.headers['www-authenticate'] = app.vapixAuth.challenges(request)
        throw err
      }
      request.vapixUser = user
    } else {
      await app.vapixAuth.authenticate(request)
    }
    app.vapixAuth.authorize(request, 'viewer')
  }

  await app.register(async (scope) => {
    plainTextErrors(scope)
    scope.route({
      method: 'GET',
      url: DATA_STREAM_PATH,
      exposeHeadRoute: false,
      schema: { hide: true },
      onRequest: [
        async () => {
          if (!hub.accepting) throw new HttpError(503, 'too many data stream connections', undefined, { 'retry-after': '5' })
        },
        authenticate
      ],
      onSend: async (request, reply, payload) => {
        // A refused upgrade: the socket carries nothing after this answer.
        if ((request.raw as UpgradeRequest)[kUpgrade] !== undefined) reply.header('connection', 'close')
        return payload
      },
      onResponse: async (request) => {
        const pending = (request.raw as UpgradeRequest)[kUpgrade]
        if (pending === undefined) return
        pending.socket.end()
        setTimeout(() => { pending.socket.destroy() }, 1000).unref()
      },
      handler: async (request, reply) => {
        const parsed = parseSources((request.query as { sources?: unknown }).sources)
        if ('error' in parsed) throw new HttpError(400, parsed.error)
        const raw = request.raw as UpgradeRequest
        const pending = raw[kUpgrade]
        if (pending === undefined) {
          throw new HttpError(426, 'this endpoint is a WebSocket', undefined, { upgrade: 'websocket' })
        }
        if (!hub.accepting) throw new HttpError(503, 'too many data stream connections', undefined, { 'retry-after': '5' })
        const user = (request.vapixUser as User).name
        raw[kUpgrade] = undefined
        reply.hijack()
        reply.raw.detachSocket(pending.socket as Socket)
        wss.handleUpgrade(raw, pending.socket, pending.head, (ws) => {
          hub.connect(ws, pending.socket, parsed.sources, user)
        })
      }
    })
  })
}
