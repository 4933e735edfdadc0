/**
 * Test helpers: a camera built in memory with a temporary state directory and
 * a fake radar link whose outcomes the test decides.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildCamera } from '../src/camera/build.js'
import { createLogger } from '../src/common/logger.js'
import { UserStore, DEFAULT_USERS } from '../src/vapix/users.js'
import type { LinkReport, LinkStarter } from '../src/pairing/link-port.js'
import type { PairingConfig, Profile } from '../src/pairing/schema.js'
import type { BuildOptions } from '../src/camera/build.js'

export const SERIAL = 'ACCC8E123456'
export const REALM = `AXIS_${SERIAL}`

/** A link that does nothing on the network; the test reports its outcomes. */
export class FakeLink {
  starts: PairingConfig[] = []
  stops = 0
  report: ((r: LinkReport) => void) | undefined
  readonly starter: LinkStarter = (config, _profile, report) => {
    this.starts.push(config)
    this.report = report
    return { stop: async () => { this.stops++; this.report = undefined } }
  }
}

export interface TestCamera {
  app: FastifyInstance
  stateDir: string
  link: FakeLink
  close: () => Promise<void>
}

export async function tempDir (prefix = 'rpe-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

export async function buildTestCamera (opts: Partial<BuildOptions> & { stateDir?: string, keepStateDir?: boolean } = {}): Promise<TestCamera> {
  const stateDir = opts.stateDir ?? await tempDir()
  const link = new FakeLink()
  const app = await buildCamera({
    serial: SERIAL,
    profile: '2025-08' as Profile,
    users: new UserStore(DEFAULT_USERS),
    linkFactory: () => link.starter,
    logger: createLogger({ level: 'silent' }),
    ...opts,
    stateDir
  })
  await app.ready()
  return {
    app,
    stateDir,
    link,
    close: async () => {
      await app.close()
      if (opts.keepStateDir !== true && opts.stateDir === undefined) await rm(stateDir, { recursive: true, force: true })
    }
  }
}

export const basic = (user: string, password: string): string =>
  'Basic ' + Buffer.from(`${user}:${password}`).toString('base64')

export const ROOT = basic('root', 'pass')
export const OPERATOR = basic('operator', 'operator')
export const VIEWER = basic('viewer', 'viewer')

/** POST a JSON-CGI body (object → JSON) with Basic credentials. */
export async function cgi (app: FastifyInstance, body: unknown, auth: string | null = ROOT, url = '/networkradarpairing.cgi'): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(auth !== null ? { authorization: auth } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body)
  })
}

export const md5 = (s: string): string => createHash('md5').update(s).digest('hex')

/** Parses `key="value"` pairs of a challenge (test-side, independent of src/). */
export function challengeParams (header: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of header.matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) out[m[1]] = m[2] ?? m[3]
  return out
}

/** RFC 7616 §3.4.1 response, computed by the test itself. */
export function digestHeader (o: { user: string, password: string, realm: string, nonce: string, method: string, uri: string, nc: number, cnonce?: string }): string {
  const nc = o.nc.toString(16).padStart(8, '0')
  const cnonce = o.cnonce ?? 'abcdef0123456789'
  const ha1 = md5(`${o.user}:${o.realm}:${o.password}`)
  const ha2 = md5(`${o.method}:${o.uri}`)
  const response = md5(`${ha1}:${o.nonce}:${nc}:${cnonce}:auth:${ha2}`)
  return `Digest username="${o.user}", realm="${o.realm}", nonce="${o.nonce}", uri="${o.uri}", algorithm=MD5, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`
}

/** Waits until `fn` is true, polling; fails after `ms`. */
export async function waitFor (fn: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
