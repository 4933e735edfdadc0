/**
 * `POST /networkradarpairing.cgi`: the six methods of Network Radar Pairing,
 * with the parameters of the chosen profile.
 * Spec: network-radar-pairing.md "Methods", Decisions (roles, 2202, profiles).
 */
import type { FastifyInstance } from 'fastify'
import { ApiVersions } from '../../vapix/envelope.js'
import { jsonCgi, method, type JsonCgiOptions } from '../../vapix/json-cgi.js'
import type { PairingService } from '../../pairing/service.js'
import { PairingErrors } from '../../pairing/errors.js'
import {
  SetActiveParams, SetRadarConnection202508, SetRadarConnection202601,
  type PairingConfig, type Profile, type RadarConnectionData
} from '../../pairing/schema.js'

export const PAIRING_API_VERSIONS = new ApiVersions(['1.0'])

export interface PairingRoutesOptions {
  pairing: PairingService
  profile: Profile
  beforeMethod?: JsonCgiOptions['beforeMethod']
  afterAnswer?: JsonCgiOptions['afterAnswer']
}

/** getRadarConnection's data: the password is never returned. */
export function connectionData (pairing: PairingService, profile: Profile): RadarConnectionData {
  const c = pairing.config
  const state = pairing.state
  if (c === null) return { state }
  if (profile === '2026-01') {
    return { address: c.address, user: c.user, state, ...(c.tlsCertificateCn !== undefined ? { 'tls-certificate-cn': c.tlsCertificateCn } : {}) }
  }
  return { address: c.address, user: c.user, state, tls: c.tls, 'tls-verify': c.tlsVerify }
}

export async function networkRadarPairingRoutes (app: FastifyInstance, opts: PairingRoutesOptions): Promise<void> {
  const { pairing, profile } = opts

  const setRadarConnection = profile === '2026-01'
    ? method({
      role: 'admin',
      params: SetRadarConnection202601,
      ignoredParams: ['state'],
      handler: async (p) => {
        // Profile 2026-01: the link always uses TLS; the CN pins the certificate.
        const config: PairingConfig = { address: p.address, user: p.user, password: p.password, tls: true, tlsVerify: false }
        if (p['tls-certificate-cn'] !== undefined) config.tlsCertificateCn = p['tls-certificate-cn']
        await pairing.setConnection(config)
        return {}
      }
    })
    : method({
      role: 'admin',
      params: SetRadarConnection202508,
      ignoredParams: ['state'],
      handler: async (p) => {
        const tls = p.tls ?? false
        const tlsVerify = p['tls-verify'] ?? false
        // Decision 2202: a configuration that cannot work is refused, nothing stored.
        if (tlsVerify && !tls) throw PairingErrors.usabilityTestFailed('tls-verify without tls')
        await pairing.setConnection({ address: p.address, user: p.user, password: p.password, tls, tlsVerify })
        return {}
      }
    })

  await jsonCgi(app, {
    url: '/networkradarpairing.cgi',
    versions: PAIRING_API_VERSIONS,
    versionless: ['getSupportedVersions'],
    beforeMethod: opts.beforeMethod,
    afterAnswer: opts.afterAnswer,
    methods: {
      getRadarConnection: method({ role: 'operator', handler: () => connectionData(pairing, profile) }),
      setRadarConnection,
      clearConfiguration: method({
        role: 'admin',
        handler: async () => { await pairing.clear(); return {} }
      }),
      getActive: method({ role: 'operator', handler: async () => ({ active: await pairing.getActive() }) }),
      setActive: method({
        role: 'admin',
        params: SetActiveParams,
        handler: async (p) => { await pairing.setActive(p.active); return {} }
      }),
      getSupportedVersions: method({ role: 'viewer', handler: () => ({ apiVersions: [...PAIRING_API_VERSIONS.list] }) })
    }
  })
}
