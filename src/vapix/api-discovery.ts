/**
 * API Discovery (`POST /axis-cgi/apidiscovery.cgi`, anonymous): the list of
 * VAPIX APIs a device serves. One registry per device; both the camera and
 * the radar simulator use it.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { ApiVersions } from './envelope.js'
import { jsonCgi, method } from './json-cgi.js'

export const ApiEntrySchema = Type.Object({
  id: Type.String(),
  version: Type.String(),
  name: Type.String(),
  docLink: Type.String(),
  status: Type.Optional(Type.String())
})
export type ApiEntry = Static<typeof ApiEntrySchema>

export const GetApiListParams = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 256 })),
  version: Type.Optional(Type.String({ maxLength: 64 }))
}, { additionalProperties: false })

export const DOC_BASE = 'https://developer.axis.com/vapix'

export class ApiRegistry {
  private readonly entries = new Map<string, ApiEntry>()

  constructor (entries: readonly ApiEntry[] = []) { for (const e of entries) this.add(e) }

  add (entry: ApiEntry): this {
    // Field order as devices answer: id, version, status, docLink, name.
    this.entries.set(`${entry.id}@${entry.version}`, { id: entry.id, version: entry.version, status: entry.status ?? 'released', docLink: entry.docLink, name: entry.name })
    return this
  }

  remove (id: string): void {
    for (const [k, e] of this.entries) if (e.id === id) this.entries.delete(k)
  }

  has (id: string): boolean { return this.list().some((e) => e.id === id) }

  /** Entries matching id and version filters; `*` matches any run of characters. */
  list (id = '*', version = '*'): ApiEntry[] {
    const idRe = glob(id)
    const vRe = glob(version)
    return [...this.entries.values()].filter((e) => idRe.test(e.id) && vRe.test(e.version))
  }
}

function glob (pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$')
}

/** The `api-discovery` entry itself. */
export const API_DISCOVERY_ENTRY: ApiEntry = { id: 'api-discovery', version: '1.0', name: 'API Discovery Service', docLink: `${DOC_BASE}/api-discovery-service`, status: 'released' }

/** Registers the CGI; `registry` may be replaced at run time by passing a getter. */
export async function apiDiscoveryRoutes (app: FastifyInstance, opts: { registry: ApiRegistry | (() => ApiRegistry) }): Promise<void> {
  const registryOf = typeof opts.registry === 'function' ? opts.registry : () => opts.registry as ApiRegistry
  const versions = new ApiVersions(['1.0'])
  await jsonCgi(app, {
    url: '/axis-cgi/apidiscovery.cgi',
    anonymous: true,
    versions,
    versionless: ['getSupportedVersions'],
    methods: {
      getApiList: method({
        role: null,
        params: GetApiListParams,
        handler: (p) => ({ apiList: registryOf().list(p.id, p.version) })
      }),
      getSupportedVersions: method({ role: null, handler: () => ({ apiVersions: [...versions.list] }) })
    }
  })
}
