/**
 * The simulated radar's VAPIX side (radar-link.md §2) as a Fastify app:
 *
 *  - `GET /axis-cgi/param.cgi?action=list&group=<g>[,<g>…]` — text/plain
 *    `root.<Group>.<Name>=<value>` lines; errors as HTTP 200 `# Error: …`
 *    (Parameter management API). Authenticated.
 *  - `POST /axis-cgi/apidiscovery.cgi` — anonymous; the radar's APIs.
 *  - `POST /properties.cgi` `getRadarProperties` — VAPIX JSON envelope, data
 *    per §2 with `networkPaired` true while a camera streams. Authenticated.
 *  - `POST /radar-sim/control` (./control.ts) when control hooks are given.
 *
 * Authentication: Digest (RFC 7616) everywhere, Basic (RFC 7617) over HTTPS
 * only (`basic: 'tls-only'`), realm `AXIS_<serial>`. The radar's own routes
 * see the `reject-auth` fault (every password wrong); the control endpoint
 * authenticates against the real users, so a test can always clear faults.
 *
 * Faults: `refuse` resets new connections at once and closes open ones when
 * set; `latency` delays every answer; `not-a-radar` removes the radar APIs
 * from API Discovery and makes /properties.cgi 404.
 */
import type net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { deviceFastify } from '../vapix/device-server.js'
import { vapixAuth } from '../vapix/auth.js'
import { VapixError } from '../vapix/errors.js'
import { ApiRegistry, apiDiscoveryRoutes, API_DISCOVERY_ENTRY, type ApiEntry } from '../vapix/api-discovery.js'
import { ApiVersions } from '../vapix/envelope.js'
import { jsonCgi, method } from '../vapix/json-cgi.js'
import { UserStore, type User } from '../vapix/users.js'
import type { RadarProperties } from '../onvif/model.js'
import type { FaultSet } from './faults.js'
import { controlRoutes, type ControlHooks } from './control.js'

const RADAR_DOCS = 'https://developer.axis.com/vapix/radar'

/** What a radar lists in API Discovery (spec §2). */
export const RADAR_APIS: readonly ApiEntry[] = Object.freeze([
  { id: 'radar-properties', version: '1.0', name: 'Radar Properties', docLink: `${RADAR_DOCS}/radar-properties`, status: 'released' },
  { id: 'radar-control2', version: '1.0', name: 'Radar Control', docLink: `${RADAR_DOCS}/radar-configuration`, status: 'released' },
  { id: 'radar-analytics2', version: '1.0', name: 'Radar Analytics', docLink: `${RADAR_DOCS}/radar-configuration`, status: 'released' },
  { id: 'event-streaming-over-websocket', version: '1.0', name: 'Event streaming over WebSocket', docLink: 'https://developer.axis.com/vapix/network-video/event-streaming-over-websocket', status: 'released' }
])

/** The parameters of a radar, full names without `root.`, in listing order. */
export type ParamTree = ReadonlyArray<readonly [name: string, value: string]>

export interface RadarParamInput {
  serial: string
  rtspPort: number
  /** undefined when RTSPS does not listen. */
  rtspsPort?: number
  /** Session timeout announced, seconds. */
  rtspTimeoutS?: number
  device?: string
}

/** The radar's parameter tree (Parameter management API; values as a D2210-VE answers). */
export function radarParams (p: RadarParamInput): ParamTree {
  const device = p.device ?? 'D2210-VE'
  return [
    ['Brand.Brand', 'AXIS'],
    ['Brand.ProdFullName', `AXIS ${device} Radar`],
    ['Brand.ProdNbr', device],
    ['Brand.ProdShortName', `AXIS ${device}`],
    ['Brand.ProdType', 'Radar'],
    ['Brand.ProdVariant', ''],
    ['Brand.WebURL', 'http://www.axis.com'],
    ['Network.RTSP.Enabled', 'yes'],
    ['Network.RTSP.Port', String(p.rtspPort)],
    ['Network.RTSP.Timeout', String(p.rtspTimeoutS ?? 60)],
    ['Network.RTSPS.Enabled', p.rtspsPort === undefined ? 'no' : 'yes'],
    ['Network.RTSPS.Port', String(p.rtspsPort ?? 322)],
    ['Properties.API.HTTP.Version', '3'],
    ['Properties.API.RTSP.Version', '2.01'],
    ['Properties.API.RTSP.RTSPAuth', 'yes'],
    ['Properties.Radar.Properties.Version', '1.0'],
    ['Properties.System.SerialNumber', p.serial]
  ]
}

/**
 * `param.cgi?action=list` answer body (Parameter management API): each group
 * (or single parameter) named lists its parameters; an unknown one gives the
 * device's error line in its place.
 */
export function listParams (tree: ParamTree, groups: readonly string[]): string {
  let out = ''
  for (const raw of groups) {
    const g = raw.trim().replace(/^root\./i, '')
    const lines = g === '' || g.toLowerCase() === 'root'
      ? tree
      : tree.filter(([name]) => name === g || name.startsWith(g + '.'))
    if (lines.length === 0) {
      out += `# Error: Error -1 getting param in group '${raw.trim()}'\n`
      continue
    }
    for (const [name, value] of lines) out += `root.${name}=${value}\n`
  }
  return out
}

export interface RadarHttpAppOptions {
  serial: string
  /** The radar's accounts (the CLI makes one admin from --user/--password). */
  users: UserStore
  faults: FaultSet
  /** getRadarProperties `data`, networkPaired included. */
  properties: () => RadarProperties
  params: () => ParamTree
  logger: Logger
  https?: { cert: string | Buffer, key: string | Buffer }
  /** Registers /radar-sim/control when given. */
  control?: ControlHooks
  nonceTtlMs?: number
  maxAuthFailuresPerMinute?: number
}

/** A UserStore in which, under the `reject-auth` fault, every password is wrong. */
export class FaultyUserStore extends UserStore {
  private readonly wrong = `reject-auth:${Math.random().toString(36).slice(2)}\u0000`
  constructor (private readonly inner: UserStore, private readonly faults: FaultSet) {
    super([{ name: 'unused', password: 'unused', role: 'viewer' }])
  }

  override get (name: string): User | undefined {
    const user = this.inner.get(name)
    if (user === undefined || !this.faults.has('reject-auth')) return user
    return { ...user, password: this.wrong }
  }
}

/** Builds the radar's HTTP (or, with `https`, HTTPS) app; not listening yet. */
export async function buildRadarHttpApp (opts: RadarHttpAppOptions): Promise<FastifyInstance> {
  const app = deviceFastify(opts.logger, {}, {}, opts.https)
  const realm = `AXIS_${opts.serial}`
  const faults = opts.faults

  // `refuse`: reset new connections before HTTP sees them; close open ones when set.
  const sockets = new Set<net.Socket>()
  app.server.prependListener('connection', (socket: net.Socket) => {
    if (faults.has('refuse')) { socket.resetAndDestroy(); return }
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  const onFaults = (): void => { if (faults.has('refuse')) for (const s of sockets) s.destroy() }
  faults.on('change', onFaults)

  // `latency`: before every answer. Aborted when the app closes.
  const closing = new AbortController()
  app.addHook('preClose', async () => {
    faults.off('change', onFaults)
    closing.abort()
    for (const s of sockets) s.destroy()
  })
  app.addHook('onRequest', async () => {
    const ms = faults.get('latency')?.ms ?? 0
    if (ms > 0) await sleep(ms, undefined, { signal: closing.signal })
  })

  app.setNotFoundHandler((_request, reply) => notFound(reply))

  // The radar's authenticated VAPIX routes, seeing `reject-auth`.
  await app.register(async (radar) => {
    await radar.register(vapixAuth, {
      users: new FaultyUserStore(opts.users, faults),
      realm,
      basic: 'tls-only',
      nonceTtlMs: opts.nonceTtlMs,
      maxFailuresPerMinute: opts.maxAuthFailuresPerMinute
    })
    await radar.register(paramCgi, { params: opts.params })
    await radar.register(async (props) => {
      props.addHook('onRequest', async (_request, reply) => {
        if (faults.has('not-a-radar')) return notFound(reply)
      })
      await jsonCgi(props, {
        url: '/properties.cgi',
        versions: new ApiVersions(['1.0']),
        versionless: ['getSupportedVersions'],
        methods: {
          getRadarProperties: method({ role: 'viewer', handler: () => opts.properties() }),
          getSupportedVersions: method({ role: 'viewer', handler: () => ({ apiVersions: ['1.0'] }) })
        }
      })
    })
  })

  // API Discovery, anonymous (spec §2).
  const radarRegistry = new ApiRegistry([...RADAR_APIS, API_DISCOVERY_ENTRY])
  const plainRegistry = new ApiRegistry([API_DISCOVERY_ENTRY])
  await app.register(apiDiscoveryRoutes, { registry: () => faults.has('not-a-radar') ? plainRegistry : radarRegistry })

  if (opts.control !== undefined) {
    const control = opts.control
    await app.register(async (ctl) => {
      await ctl.register(vapixAuth, { users: opts.users, realm, basic: 'tls-only', nonceTtlMs: opts.nonceTtlMs, maxFailuresPerMinute: opts.maxAuthFailuresPerMinute })
      await ctl.register(controlRoutes, control)
    })
  }
  return app
}

export interface RadarControlAppOptions {
  serial: string
  users: UserStore
  logger: Logger
  control: ControlHooks
  maxAuthFailuresPerMinute?: number
}

/** A separate app serving only the control endpoint (the `--control-port` listener). */
export async function buildRadarControlApp (opts: RadarControlAppOptions): Promise<FastifyInstance> {
  const app = deviceFastify(opts.logger)
  const sockets = new Set<net.Socket>()
  app.server.on('connection', (socket: net.Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  app.addHook('preClose', async () => { for (const s of sockets) s.destroy() })
  app.setNotFoundHandler((_request, reply) => notFound(reply))
  await app.register(vapixAuth, { users: opts.users, realm: `AXIS_${opts.serial}`, basic: 'tls-only', maxFailuresPerMinute: opts.maxAuthFailuresPerMinute })
  await app.register(controlRoutes, opts.control)
  return app
}

function notFound (reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('404 Not Found\n')
}

/** `GET /axis-cgi/param.cgi` (Parameter management API, read part). */
async function paramCgi (app: FastifyInstance, opts: { params: () => ParamTree }): Promise<void> {
  app.setErrorHandler((error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof VapixError) {
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v)
      request.log.info({ code: error.code, reason: error.cause }, 'param.cgi refused')
      return reply.code(error.statusCode).type('text/plain; charset=utf-8').send(`${error.statusCode} ${error.statusCode === 401 ? 'Unauthorized' : error.message}\n`)
    }
    request.log.error({ err: error }, 'param.cgi failed')
    return reply.code(500).type('text/plain; charset=utf-8').send('500 Internal Server Error\n')
  })
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    await app.vapixAuth.authenticate(request)
    const query = request.query as Record<string, string | string[] | undefined>
    const text = (body: string): FastifyReply => reply.type('text/plain; charset=utf-8').send(body)
    const one = (v: string | string[] | undefined): string | undefined => Array.isArray(v) ? v.join(',') : v
    const action = one(query.action)
    if (action === undefined) return text('# Error: No action specified\n')
    if (action !== 'list') return text(`# Error: Action '${action}' is not supported by the radar simulator\n`)
    const group = one(query.group)
    const groups = group === undefined || group === '' ? [''] : group.split(',')
    return text(listParams(opts.params(), groups))
  }
  app.get('/axis-cgi/param.cgi', handler)
}
