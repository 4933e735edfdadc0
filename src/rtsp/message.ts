/**
 * RTSP 1.0 messages (RFC 2326 §6 requests, §7 responses, §10.12 interleaved
 * binary data): types and serialisation. Shared by the radar simulator's
 * server and the camera's radar-link client; parsing lives in ./parser.ts.
 *
 * Header names are case-insensitive (RFC 2326 §4.2, after RFC 2616 §4.2):
 * parsed messages expose them lower-cased in `headers` (repeated headers
 * joined with ", ") and in arrival order, original spelling, in `rawHeaders`.
 */

/** Header map of a parsed message: lower-case name → value (repeats joined with ", "). */
export type RtspHeaders = Record<string, string>

/** Headers given to the formatters: original spelling kept; an array writes the header once per value. */
export type RtspHeaderInit = Record<string, string | number | readonly string[] | undefined>

/** RFC 2326 §6: Request-Line, headers, optional body. */
export interface RtspRequest {
  kind: 'request'
  /** e.g. DESCRIBE; case-sensitive (RFC 2326 §6.1). */
  method: string
  /** Request-URI as sent: an absolute rtsp:// URL or `*`. */
  uri: string
  /** e.g. RTSP/1.0 — not checked by the parser, so a server can answer 505. */
  version: string
  headers: RtspHeaders
  rawHeaders: Array<[string, string]>
  body: Buffer
}

/** RFC 2326 §7: Status-Line, headers, optional body. */
export interface RtspResponse {
  kind: 'response'
  version: string
  status: number
  reason: string
  headers: RtspHeaders
  rawHeaders: Array<[string, string]>
  body: Buffer
}

/** RFC 2326 §10.12: `$`, 1-byte channel id, 2-byte big-endian length, binary payload. */
export interface InterleavedFrame {
  kind: 'interleaved'
  channel: number
  payload: Buffer
}

export type RtspMessage = RtspRequest | RtspResponse
export type RtspParsed = RtspMessage | InterleavedFrame

export const RTSP_VERSION = 'RTSP/1.0'

/** RFC 2326 §7.1.1 status codes and reason phrases. */
export const STATUS_REASONS: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  250: 'Low on Storage Space',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  303: 'See Other',
  304: 'Not Modified',
  305: 'Use Proxy',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Time-out',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Large',
  415: 'Unsupported Media Type',
  451: 'Parameter Not Understood',
  452: 'Conference Not Found',
  453: 'Not Enough Bandwidth',
  454: 'Session Not Found',
  455: 'Method Not Valid in This State',
  456: 'Header Field Not Valid for Resource',
  457: 'Invalid Range',
  458: 'Parameter Is Read-Only',
  459: 'Aggregate operation not allowed',
  460: 'Only aggregate operation allowed',
  461: 'Unsupported transport',
  462: 'Destination unreachable',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Time-out',
  505: 'RTSP Version not supported',
  551: 'Option not supported'
})

/** Reason phrase for a status code (RFC 2326 §7.1.1); generic by class for unlisted codes. */
export function reasonPhrase (status: number): string {
  const known = STATUS_REASONS[status]
  if (known !== undefined) return known
  if (status >= 500) return 'Server Error'
  if (status >= 400) return 'Client Error'
  if (status >= 300) return 'Redirection'
  if (status >= 200) return 'Success'
  return 'Informational'
}

/** Case-insensitive header lookup on a parsed message. */
export function getHeader (msg: { headers: RtspHeaders }, name: string): string | undefined {
  return msg.headers[name.toLowerCase()]
}

export interface RtspRequestInit {
  method: string
  uri: string
  /** Written as the `CSeq` header (RFC 2326 §12.17); required by every request. */
  cseq: number | string
  headers?: RtspHeaderInit
  body?: string | Buffer
  /** Default RTSP/1.0. */
  version?: string
}

export interface RtspResponseInit {
  status: number
  /** Default: reasonPhrase(status). */
  reason?: string
  /**
   * The request's CSeq, echoed (RFC 2326 §12.17). Pass the request itself or its
   * CSeq value; omitted only when the request had none (e.g. a 400 for garbage).
   */
  cseq?: number | string | RtspRequest
  headers?: RtspHeaderInit
  body?: string | Buffer
  version?: string
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const CTL = /[\r\n\0]/

function headerLines (headers: RtspHeaderInit | undefined, skip: Set<string>): string {
  let out = ''
  if (headers === undefined) return out
  for (const name of Object.keys(headers)) {
    const value = headers[name]
    if (value === undefined) continue
    if (!TOKEN.test(name)) throw new TypeError(`invalid RTSP header name ${JSON.stringify(name)}`)
    if (skip.has(name.toLowerCase())) continue
    const values = Array.isArray(value) ? value as readonly string[] : [String(value)]
    for (const v of values) {
      // No header injection: values must not contain CR, LF or NUL.
      if (CTL.test(v)) throw new TypeError(`invalid character in RTSP header ${name}`)
      out += `${name}: ${v}\r\n`
    }
  }
  return out
}

function bodyBuffer (body: string | Buffer | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0)
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body
}

/** Content-Length and CSeq are computed here; caller-supplied ones are ignored. */
const COMPUTED = new Set(['content-length', 'cseq'])

/**
 * Serialises a request (RFC 2326 §6). `CSeq` comes first; `Content-Length`
 * is written when there is a body (RFC 2326 §12.14).
 */
export function formatRequest (req: RtspRequestInit): Buffer {
  if (!TOKEN.test(req.method)) throw new TypeError(`invalid RTSP method ${JSON.stringify(req.method)}`)
  if (req.uri === '' || /[\s\0]/.test(req.uri)) throw new TypeError(`invalid RTSP request URI ${JSON.stringify(req.uri)}`)
  const cseq = String(req.cseq)
  if (!/^\d+$/.test(cseq)) throw new TypeError(`invalid CSeq ${JSON.stringify(cseq)}`)
  const body = bodyBuffer(req.body)
  let head = `${req.method} ${req.uri} ${req.version ?? RTSP_VERSION}\r\nCSeq: ${cseq}\r\n`
  head += headerLines(req.headers, COMPUTED)
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`
  head += '\r\n'
  return body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1')
}

/**
 * Serialises a response (RFC 2326 §7), echoing the request's CSeq and writing
 * `Content-Length` when there is a body.
 */
export function formatResponse (res: RtspResponseInit): Buffer {
  if (!Number.isInteger(res.status) || res.status < 100 || res.status > 999) throw new TypeError(`invalid RTSP status ${res.status}`)
  const reason = res.reason ?? reasonPhrase(res.status)
  if (CTL.test(reason)) throw new TypeError('invalid character in RTSP reason phrase')
  const cseqSource = res.cseq
  const cseq = typeof cseqSource === 'object' ? cseqSource.headers.cseq : cseqSource
  const body = bodyBuffer(res.body)
  let head = `${res.version ?? RTSP_VERSION} ${res.status} ${reason}\r\n`
  if (cseq !== undefined) {
    const c = String(cseq)
    if (CTL.test(c)) throw new TypeError('invalid character in CSeq')
    head += `CSeq: ${c}\r\n`
  }
  head += headerLines(res.headers, COMPUTED)
  if (body.length > 0) head += `Content-Length: ${body.length}\r\n`
  head += '\r\n'
  return body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1')
}

/** Largest payload of one interleaved frame: the length field has 16 bits (RFC 2326 §10.12). */
export const MAX_INTERLEAVED_PAYLOAD = 0xffff

/** The 4-byte interleaved header (`$`, channel, length) for a payload of `length` bytes. */
export function interleavedHeader (channel: number, length: number): Buffer {
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) throw new RangeError(`interleaved channel ${channel} out of 0..255`)
  if (!Number.isInteger(length) || length < 0 || length > MAX_INTERLEAVED_PAYLOAD) throw new RangeError(`interleaved payload of ${length} bytes out of 0..65535`)
  const h = Buffer.allocUnsafe(4)
  h[0] = 0x24 // '$'
  h[1] = channel
  h.writeUInt16BE(length, 2)
  return h
}

/** One interleaved frame (RFC 2326 §10.12) as a single buffer. */
export function formatInterleaved (channel: number, payload: Buffer): Buffer {
  return Buffer.concat([interleavedHeader(channel, payload.length), payload])
}

/**
 * Parses a `Session` header (RFC 2326 §12.37): `<id>[;timeout=<seconds>]`.
 * Returns undefined for a malformed value.
 */
export function parseSessionHeader (value: string): { id: string, timeout?: number } | undefined {
  const [idPart, ...params] = value.split(';')
  const id = idPart.trim()
  // session-id = 1*( ALPHA / DIGIT / safe ), safe = "$" / "-" / "_" / "." / "+"
  if (!/^[A-Za-z0-9$\-_.+]+$/.test(id)) return undefined
  let timeout: number | undefined
  for (const p of params) {
    const m = /^\s*timeout\s*=\s*(\d+)\s*$/i.exec(p)
    if (m) timeout = Number(m[1])
  }
  return timeout === undefined ? { id } : { id, timeout }
}

export interface TransportSpec {
  /** e.g. RTP/AVP/TCP, RTP/AVP (= RTP/AVP/UDP) */
  protocol: string
  /** unicast unless `multicast` is present. */
  unicast: boolean
  interleaved?: [number, number]
  clientPort?: [number, number]
  /** Every parameter as written, lower-case names (`unicast` → ''). */
  params: Record<string, string>
}

/**
 * Parses a `Transport` header (RFC 2326 §12.39): comma-separated alternatives,
 * each `protocol/profile[/lower];param[=value];…`. Malformed alternatives are
 * left out.
 */
export function parseTransport (value: string): TransportSpec[] {
  const out: TransportSpec[] = []
  for (const alt of value.split(',')) {
    const [proto, ...rest] = alt.split(';').map((s) => s.trim())
    if (!/^[A-Za-z]+\/[A-Za-z]+(\/[A-Za-z]+)?$/.test(proto)) continue
    const params: Record<string, string> = Object.create(null)
    for (const p of rest) {
      if (p === '') continue
      const eq = p.indexOf('=')
      if (eq < 0) params[p.toLowerCase()] = ''
      else params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim()
    }
    const range = (s: string | undefined): [number, number] | undefined => {
      if (s === undefined) return undefined
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s)
      if (!m) return undefined
      const a = Number(m[1])
      const b = m[2] === undefined ? a + 1 : Number(m[2])
      return [a, b]
    }
    const spec: TransportSpec = { protocol: proto.toUpperCase(), unicast: !('multicast' in params), params }
    const il = range(params.interleaved)
    if (il) spec.interleaved = il
    const cp = range(params.client_port)
    if (cp) spec.clientPort = cp
    out.push(spec)
  }
  return out
}
