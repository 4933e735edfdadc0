/**
 * The camera as a Fastify plugin (composition root): authentication, API
 * Discovery, Network Radar Pairing, and the pairing service that owns the
 * state. `server.ts` alone listens; tests register this with `app.inject()`.
 */
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { vapixAuth } from '../vapix/auth.js'
import { ApiRegistry, apiDiscoveryRoutes, API_DISCOVERY_ENTRY, DOC_BASE } from '../vapix/api-discovery.js'
import type { UserStore } from '../vapix/users.js'
import { PairingStore } from '../pairing/store.js'
import { PairingService } from '../pairing/service.js'
import type { LinkStarter } from '../pairing/link-port.js'
import type { TrackSink } from '../tracks/model.js'
import { OverlayHub, type OverlayLimits } from '../overlay/hub.js'
import { dataStreamRoutes } from './routes/data-stream.js'
import { demoPageRoutes } from './routes/demo-page.js'
import { PROFILES, type Profile } from '../pairing/schema.js'
import { networkRadarPairingRoutes } from './routes/network-radar-pairing.js'
import swagger from '@fastify/swagger'
import { Journal } from '../control/journal.js'
import { ApiFaults } from '../control/api-faults.js'
import { controlRoutes } from '../control/routes.js'
import type { SimulatorControl } from '../control/simulator-control.js'
import type { JsonCgiOptions } from '../vapix/json-cgi.js'

export interface CameraOptions {
  serial: string
  profile: Profile
  stateDir: string
  users: UserStore
  /** Makes the radar link starter; the link delivers its frames to `sink` (the overlay hub). */
  linkFactory: (sink: TrackSink) => LinkStarter
  nonceTtlMs?: number
  maxAuthFailuresPerMinute?: number
  /** The built-in radar simulator, for the control API. */
  simulator?: SimulatorControl
  /** Requests kept in the journal (default 1000). */
  journalSize?: number
  /** Data-stream limits (connections, per-client buffers; overlay/hub.ts). */
  overlayLimits?: Partial<OverlayLimits>
  /** wssession token lifetime (ms), default 15 000. */
  wsTokenTtlMs?: number
  /** Directory of the built demo page (default dist/web). */
  webRoot?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    camera: {
      serial: string
      profile: Profile
      pairing: PairingService
      apis: ApiRegistry
      journal: Journal
      apiFaults: ApiFaults
      /** The overlay hub: the link's track sink, data-stream clients and events. */
      overlay: OverlayHub
    }
  }
}

const SERIAL_RE = /^[0-9A-F]{12}$/

export function validateCameraOptions (opts: CameraOptions): void {
  if (!SERIAL_RE.test(opts.serial)) throw new TypeError(`serial must be 12 upper-case hex digits (like ACCC8E123456), got ${JSON.stringify(opts.serial)}`)
  if (!PROFILES.includes(opts.profile)) throw new TypeError(`profile must be one of ${PROFILES.join(', ')}, got ${JSON.stringify(opts.profile)}`)
  if (typeof opts.stateDir !== 'string' || opts.stateDir === '') throw new TypeError('stateDir is required')
  if (typeof opts.linkFactory !== 'function') throw new TypeError('linkFactory is required')
}

export const PAIRING_API_ENTRY = (profile: Profile) => ({
  id: 'network-radar-pairing',
  version: '1.0',
  name: profile === '2026-01' ? 'Network Radar Pairing (2026-01)' : 'Network Radar Pairing',
  docLink: `${DOC_BASE}/radar/network-radar-pairing`,
  status: 'released'
})

async function camera (app: FastifyInstance, opts: CameraOptions): Promise<void> {
  validateCameraOptions(opts)
  const store = new PairingStore(opts.stateDir, app.log)
  const overlay = new OverlayHub({ limits: opts.overlayLimits, log: app.log.child({ component: 'overlay' }) })
  const sink: TrackSink = overlay
  const pairing = new PairingService(store, opts.linkFactory(sink), opts.profile, app.log.child({ component: 'pairing' }))
  overlay.watchPairing(pairing)
  await pairing.init()
  const apis = new ApiRegistry([API_DISCOVERY_ENTRY, PAIRING_API_ENTRY(opts.profile)])
  const journal = new Journal(opts.journalSize)
  const apiFaults = new ApiFaults()
  app.decorate('camera', { serial: opts.serial, profile: opts.profile, pairing, apis, journal, apiFaults, overlay })
  app.addHook('onClose', async () => { await pairing.close() })

  await app.register(vapixAuth, {
    users: opts.users,
    realm: `AXIS_${opts.serial}`,
    basic: 'always',
    nonceTtlMs: opts.nonceTtlMs,
    maxFailuresPerMinute: opts.maxAuthFailuresPerMinute
  })
  await app.register(swagger, {
    openapi: {
      info: { title: 'radar-pairing-emulator control API', version: '1.0.0', description: 'Emulator-only endpoints: health, reset, API faults, request journal, built-in radar simulator.' },
      components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' }, digest: { type: 'http', scheme: 'digest' } } }
    },
    hideUntagged: true
  })
  await app.register(apiDiscoveryRoutes, { registry: apis })
  await app.register(networkRadarPairingRoutes, {
    pairing,
    profile: opts.profile,
    beforeMethod: async ({ envelope }) => {
      const { latencyMs, error } = apiFaults.take(envelope.method)
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs))
      if (error !== undefined) throw error
    },
    afterAnswer: journalWriter(journal, '/networkradarpairing.cgi')
  })
  await app.register(controlRoutes, { prefix: '/emulator/v1', simulator: opts.simulator, startedAt: Date.now() })
  await app.register(dataStreamRoutes, { hub: overlay, apis, tokenTtlMs: opts.wsTokenTtlMs })
  await app.register(demoPageRoutes, { webRoot: opts.webRoot })
}

/** Writes one journal entry per answered CGI request. */
function journalWriter (journal: Journal, api: string): NonNullable<JsonCgiOptions['afterAnswer']> {
  return ({ request, envelope, error, durationMs }) => {
    journal.add({
      time: new Date().toISOString(),
      api,
      user: request.vapixUser?.name,
      client: request.ip,
      method: envelope.method,
      params: envelope.params,
      httpStatus: error?.statusCode ?? 200,
      errorCode: error?.code,
      durationMs: Math.round(durationMs * 100) / 100
    })
  }
}

export const cameraApp = fp(camera, { name: 'camera', fastify: '5.x' })
