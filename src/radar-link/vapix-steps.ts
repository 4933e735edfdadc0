/**
 * Steps 3 and 4 (radar-link.md §1–2): authenticate with param.cgi and read
 * the RTSP(S) port, then check that the device is a radar (API Discovery
 * lists `radar-properties`) and read its properties. The parsers are pure
 * and exported for tests.
 */
import type { RadarProperties } from '../onvif/model.js'
import { LinkFailure, statusCause } from './causes.js'
import type { HttpAnswer, VapixHttpClient } from './http-client.js'

export const PARAM_PATH = '/axis-cgi/param.cgi?action=list&group=Network.RTSP,Network.RTSPS'
export const API_DISCOVERY_PATH = '/axis-cgi/apidiscovery.cgi'
export const PROPERTIES_PATH = '/properties.cgi'

/** Defaults when param.cgi lists no timeout: RFC 2326 §12.37 says 60 s. */
export const DEFAULT_RTSP_TIMEOUT_S = 60

/**
 * param.cgi `action=list` text (radar-link.md §2): one `root.<Group>.<Name>=<value>`
 * line per parameter; a `# Error: <description>` line means the request failed.
 * Returns the parameters by full name (with `root.`).
 */
export function parseParamList (text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    if (line.startsWith('#')) {
      const m = /^#\s*Error:?\s*(.*)$/i.exec(line)
      if (m) throw new LinkFailure('failed', `param.cgi: Error: ${m[1].slice(0, 200)}`)
      continue
    }
    const eq = line.indexOf('=')
    if (eq <= 0) throw new LinkFailure('failed', `param.cgi: malformed line ${JSON.stringify(line.slice(0, 80))}`)
    out.set(line.slice(0, eq), line.slice(eq + 1))
  }
  return out
}

export interface RtspSettings {
  port: number
  /** Session timeout from root.Network.RTSP.Timeout (s). */
  timeoutS: number
}

function portValue (params: Map<string, string>, name: string): number | undefined {
  const v = params.get(name)
  if (v === undefined) return undefined
  if (!/^\d{1,5}$/.test(v.trim()) || Number(v) < 1 || Number(v) > 65535) throw new LinkFailure('failed', `param.cgi: ${name}=${JSON.stringify(v.slice(0, 40))} is not a port`)
  return Number(v)
}

/** The RTSP (tls=false) or RTSPS (tls=true) port and the session timeout. */
export function rtspSettings (params: Map<string, string>, tls: boolean): RtspSettings {
  const group = tls ? 'root.Network.RTSPS' : 'root.Network.RTSP'
  if (params.get(`${group}.Enabled`)?.trim().toLowerCase() === 'no') {
    throw new LinkFailure('failed', `${tls ? 'RTSPS' : 'RTSP'} is not enabled on the radar (${group}.Enabled=no)`)
  }
  const name = `${group}.Port`
  const port = portValue(params, name)
  if (port === undefined) throw new LinkFailure('failed', `param.cgi lists no ${name}${tls ? ' (RTSPS not enabled on the radar?)' : ''}`)
  const t = params.get(tls ? 'root.Network.RTSPS.Timeout' : 'root.Network.RTSP.Timeout') ?? params.get('root.Network.RTSP.Timeout')
  const timeoutS = t !== undefined && /^\d{1,6}$/.test(t.trim()) && Number(t) > 0 ? Number(t) : DEFAULT_RTSP_TIMEOUT_S
  return { port, timeoutS }
}

function jsonOf (res: HttpAnswer, what: string): Record<string, unknown> {
  let v: unknown
  try {
    v = JSON.parse(res.body.toString('utf8'))
  } catch {
    throw new LinkFailure('failed', `${what}: answer is not JSON`)
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LinkFailure('failed', `${what}: answer is not a JSON object`)
  return v as Record<string, unknown>
}

/** The `data` of a VAPIX JSON answer, or a LinkFailure naming its `error`. */
function dataOf (body: Record<string, unknown>, what: string): Record<string, unknown> {
  const err = body.error
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown, message?: unknown }
    throw new LinkFailure('failed', `${what}: error ${String(e.code)}${typeof e.message === 'string' ? ` ${e.message.slice(0, 120)}` : ''}`)
  }
  const data = body.data
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new LinkFailure('failed', `${what}: answer has no data object`)
  return data as Record<string, unknown>
}

export const NOT_A_RADAR = 'not a radar: API Discovery lists no radar-properties'

/** Checks a getApiList answer body for `radar-properties`. */
export function checkApiList (body: Record<string, unknown>): void {
  const data = dataOf(body, 'apidiscovery.cgi getApiList')
  const list = data.apiList
  if (!Array.isArray(list)) throw new LinkFailure('failed', 'apidiscovery.cgi getApiList: no apiList')
  if (!list.some((e) => typeof e === 'object' && e !== null && (e as { id?: unknown }).id === 'radar-properties')) {
    throw new LinkFailure('failed', NOT_A_RADAR)
  }
}

const NUMERIC_PROPERTIES = [
  'minDetectionRange', 'maxDetectionRange', 'minHorizontalAngle', 'maxHorizontalAngle',
  'minVerticalAngle', 'maxVerticalAngle', 'maxRadarObjects', 'maxObjectSpeed'
] as const

/** Validates a getRadarProperties answer body (radar-link.md §2). */
export function parseRadarProperties (body: Record<string, unknown>): RadarProperties {
  const what = 'properties.cgi getRadarProperties'
  const d = dataOf(body, what)
  const bad = (field: string): LinkFailure => new LinkFailure('failed', `${what}: ${field} missing or malformed`)
  if (typeof d.device !== 'string') throw bad('device')
  const out = { device: d.device.slice(0, 100), networkPaired: d.networkPaired === true } as RadarProperties
  for (const k of NUMERIC_PROPERTIES) {
    const v = d[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(k)
    out[k] = v
  }
  if (d.networkPaired !== undefined && typeof d.networkPaired !== 'boolean') throw bad('networkPaired')
  if (out.minDetectionRange > out.maxDetectionRange) throw bad('detection range')
  if (out.minHorizontalAngle > out.maxHorizontalAngle) throw bad('horizontal angle')
  if (out.minVerticalAngle > out.maxVerticalAngle) throw bad('vertical angle')
  if (!Number.isInteger(out.maxRadarObjects) || out.maxRadarObjects < 0) throw bad('maxRadarObjects')
  return out
}

function expectOk (res: HttpAnswer, what: string): void {
  if (res.status < 200 || res.status > 299) throw new LinkFailure('failed', statusCause(res.status, what))
}

export interface RadarInfo {
  rtsp: RtspSettings
  properties: RadarProperties
}

/** Authenticate (param.cgi), then the usability checks; throws LinkFailure. */
export async function probeRadar (http: VapixHttpClient, tls: boolean): Promise<RadarInfo> {
  const params = await http.request('GET', PARAM_PATH, 'param.cgi')
  expectOk(params, 'param.cgi')
  const rtsp = rtspSettings(parseParamList(params.body.toString('utf8')), tls)

  const apis = await http.request('POST', API_DISCOVERY_PATH, 'apidiscovery.cgi', { apiVersion: '1.0', method: 'getApiList' })
  if (apis.status === 404) throw new LinkFailure('failed', 'not a radar: no API Discovery (404 from apidiscovery.cgi)')
  expectOk(apis, 'apidiscovery.cgi')
  checkApiList(jsonOf(apis, 'apidiscovery.cgi getApiList'))

  const props = await http.request('POST', PROPERTIES_PATH, 'properties.cgi', { apiVersion: '1.0', method: 'getRadarProperties' })
  expectOk(props, 'properties.cgi')
  return { rtsp, properties: parseRadarProperties(jsonOf(props, 'properties.cgi getRadarProperties')) }
}
