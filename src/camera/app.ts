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
import { NULL_SINK, type TrackSink } from '../tracks/model.js'
import { PROFILES, type Profile } from '../pairing/schema.js'
import { networkRadarPairingRoutes } from './routes/network-radar-pairing.js'

export interface CameraOptions {
  serial: string
  profile: Profile
  stateDir: string
  users: UserStore
  /** Makes the radar link starter; the link delivers its frames to `sink` (the overlay hub). */
  linkFactory: (sink: TrackSink) => LinkStarter
  nonceTtlMs?: number
  maxAuthFailuresPerMinute?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    camera: {
      serial: string
      profile: Profile
      pairing: PairingService
      apis: ApiRegistry
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
  const sink: TrackSink = NULL_SINK
  const pairing = new PairingService(store, opts.linkFactory(sink), opts.profile, app.log.child({ component: 'pairing' }))
  await pairing.init()
  const apis = new ApiRegistry([API_DISCOVERY_ENTRY, PAIRING_API_ENTRY(opts.profile)])
  app.decorate('camera', { serial: opts.serial, profile: opts.profile, pairing, apis })
  app.addHook('onClose', async () => { await pairing.close() })

  await app.register(vapixAuth, {
    users: opts.users,
    realm: `AXIS_${opts.serial}`,
    basic: 'always',
    nonceTtlMs: opts.nonceTtlMs,
    maxFailuresPerMinute: opts.maxAuthFailuresPerMinute
  })
  await app.register(apiDiscoveryRoutes, { registry: apis })
  await app.register(networkRadarPairingRoutes, { pairing, profile: opts.profile })
}

export const cameraApp = fp(camera, { name: 'camera', fastify: '5.x' })
