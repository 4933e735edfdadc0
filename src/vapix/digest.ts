/**
 * HTTP Digest authentication as Axis devices use it: RFC 7616 with
 * algorithm=MD5 and qop="auth" (the same scheme guards RTSP DESCRIBE, RFC 2326 §D).
 * One implementation for both devices (server side) and for the camera's
 * radar link and the tests (client side).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const md5 = (s: string): string => createHash('md5').update(s).digest('hex')

/** Constant-time comparison of two strings (different lengths compare unequal). */
export function safeEqual (a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab) // keep the work comparable
    return false
  }
  return timingSafeEqual(ab, bb)
}

/**
 * Parses the auth-param list of a Digest credentials or challenge
 * (RFC 7235 §2.1: token=token / token=quoted-string, comma separated).
 */
export function parseAuthParams (s: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y
  let m: RegExpExecArray | null
  while (re.lastIndex < s.length && (m = re.exec(s)) !== null) {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
    out[m[1].toLowerCase()] = value
  }
  return out
}

/** Splits WWW-Authenticate header values into challenges: [{scheme, params}]. */
export function parseChallenges (headers: string | string[] | undefined): Array<{ scheme: string, params: Record<string, string> }> {
  const values = headers === undefined ? [] : Array.isArray(headers) ? headers : [headers]
  const out: Array<{ scheme: string, params: Record<string, string> }> = []
  for (const v of values) {
    // A scheme token followed by a space starts a new challenge (RFC 7235 §4.1).
    const parts = v.split(/,?\s*(?=\b(?:Digest|Basic|Bearer)\s)/i).filter((p) => p.trim() !== '')
    for (const p of parts) {
      const m = /^\s*(\S+)\s*(.*)$/s.exec(p)
      if (m) out.push({ scheme: m[1].toLowerCase(), params: parseAuthParams(m[2]) })
    }
  }
  return out
}

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`

export interface DigestServerOptions {
  realm: string
  /** Nonce lifetime in ms; an expired nonce is answered with stale=true. Default 5 minutes. */
  nonceTtlMs?: number
  /** How many nonces' nonce-counts are remembered for replay protection. Default 10,000. */
  maxTrackedNonces?: number
  now?: () => number
}

export type DigestResult =
  | { ok: true, username: string }
  | { ok: false, stale: boolean, reason: string, username?: string }

/**
 * The device side: issues challenges and checks credentials.
 * Nonces are self-certifying (timestamp + random + HMAC), so any nonce this
 * device issued can be recognised as expired (→ stale=true) without storing it;
 * the highest nonce-count seen per nonce is remembered to refuse replays.
 */
export class DigestServer {
  readonly realm: string
  private readonly ttl: number
  private readonly maxTracked: number
  private readonly now: () => number
  private readonly secret = randomBytes(32)
  private readonly counts = new Map<string, number>()

  constructor (opts: DigestServerOptions) {
    if (typeof opts.realm !== 'string' || opts.realm === '') throw new TypeError('DigestServer: realm must be a non-empty string')
    this.realm = opts.realm
    this.ttl = opts.nonceTtlMs ?? 300_000
    if (!(this.ttl > 0)) throw new TypeError('DigestServer: nonceTtlMs must be positive')
    this.maxTracked = opts.maxTrackedNonces ?? 10_000
    this.now = opts.now ?? Date.now
  }

  newNonce (): string {
    const body = Buffer.alloc(14)
    body.writeUIntBE(this.now(), 0, 6)
    randomBytes(8).copy(body, 6)
    const mac = createHmac('sha256', this.secret).update(body).digest().subarray(0, 12)
    return Buffer.concat([body, mac]).toString('base64url')
  }

  /** 'valid' | 'stale' (ours, expired) | 'invalid' (not ours). */
  checkNonce (nonce: string): 'valid' | 'stale' | 'invalid' {
    const raw = Buffer.from(nonce, 'base64url')
    if (raw.length !== 26 || raw.toString('base64url') !== nonce) return 'invalid'
    const body = raw.subarray(0, 14)
    const mac = createHmac('sha256', this.secret).update(body).digest().subarray(0, 12)
    if (!timingSafeEqual(mac, raw.subarray(14))) return 'invalid'
    const issued = body.readUIntBE(0, 6)
    return this.now() - issued > this.ttl ? 'stale' : 'valid'
  }

  /** RFC 7616 §3.3 challenge. */
  challenge (stale = false): string {
    return `Digest realm=${quote(this.realm)}, nonce=${quote(this.newNonce())}, algorithm=MD5, qop="auth"` +
      (stale ? ', stale=true' : '')
  }

  /**
   * Checks `Authorization: Digest …` for `method` and the request target `uri`.
   * `lookupPassword` returns the user's password, or undefined for an unknown user.
   */
  verify (header: string, method: string, uri: string, lookupPassword: (user: string) => string | undefined): DigestResult {
    const p = parseAuthParams(header.replace(/^\s*Digest\s+/i, ''))
    const { username, realm, nonce, response, qop, nc, cnonce } = p
    if (!username || !realm || !nonce || !response || p.uri === undefined) return { ok: false, stale: false, reason: 'incomplete Digest credentials' }
    if (p.algorithm !== undefined && p.algorithm.toUpperCase() !== 'MD5') return { ok: false, stale: false, reason: `unsupported algorithm ${p.algorithm}`, username }
    if (realm !== this.realm) return { ok: false, stale: false, reason: 'wrong realm', username }
    // RFC 7616 §3.4: qop="auth" was offered, so qop, nc and cnonce are required.
    if (qop !== 'auth' || !nc || !cnonce || !/^[0-9a-f]{8}$/i.test(nc)) return { ok: false, stale: false, reason: 'qop=auth with nc and cnonce required', username }
    if (!uriMatches(p.uri, uri)) return { ok: false, stale: false, reason: 'uri does not match the request', username }
    const password = lookupPassword(username)
    const nonceState = this.checkNonce(nonce)
    if (nonceState === 'invalid') return { ok: false, stale: false, reason: 'unknown nonce', username }
    // Compute even for unknown users so that timing does not reveal them.
    const ha1 = md5(`${username}:${realm}:${password ?? randomBytes(8).toString('hex')}`)
    const ha2 = md5(`${method}:${p.uri}`)
    const expected = md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    const good = safeEqual(expected, response.toLowerCase()) && password !== undefined
    if (!good) return { ok: false, stale: false, reason: password === undefined ? 'unknown user' : 'wrong password', username }
    // RFC 7616 §3.3 stale: right credentials, expired nonce.
    if (nonceState === 'stale') return { ok: false, stale: true, reason: 'stale nonce', username }
    const count = parseInt(nc, 16)
    const last = this.counts.get(nonce) ?? 0
    if (count <= last) return { ok: false, stale: false, reason: 'replayed nonce count', username }
    this.remember(nonce, count)
    return { ok: true, username }
  }

  private remember (nonce: string, count: number): void {
    this.counts.delete(nonce)
    this.counts.set(nonce, count)
    if (this.counts.size > this.maxTracked) {
      // Forget expired nonces first, then the oldest ones.
      for (const [n] of this.counts) {
        if (this.counts.size <= this.maxTracked) break
        this.counts.delete(n)
      }
    }
  }
}

/**
 * The Digest `uri` must name the request target (RFC 7616 §3.4.6). RTSP
 * clients send the absolute URL; HTTP clients the origin form. Compare the
 * path and query.
 */
function uriMatches (digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true
  const strip = (u: string): string => {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(.*)$/i.exec(u)
    const rest = m ? m[1] : u
    return rest === '' ? '/' : rest
  }
  return strip(digestUri) === strip(requestUri)
}

/**
 * The client side: answers a Digest challenge, counting nc per nonce.
 * Used by the radar link (HTTP and RTSP) and by the tests.
 */
export class DigestClient {
  private nonce = ''
  private realm = ''
  private opaque: string | undefined
  private qop: string | undefined
  private nc = 0

  constructor (readonly user: string, private readonly password: string) {}

  /** Takes the challenge from a 401 answer; returns false when it offers no usable Digest. */
  setChallenge (wwwAuthenticate: string | string[] | undefined): boolean {
    const digest = parseChallenges(wwwAuthenticate).find((c) => c.scheme === 'digest')
    if (!digest || !digest.params.nonce) return false
    const alg = digest.params.algorithm
    if (alg !== undefined && alg.toUpperCase() !== 'MD5') return false
    this.realm = digest.params.realm ?? ''
    if (digest.params.nonce !== this.nonce) this.nc = 0
    this.nonce = digest.params.nonce
    this.opaque = digest.params.opaque
    const qops = (digest.params.qop ?? '').split(',').map((q) => q.trim())
    this.qop = qops.includes('auth') ? 'auth' : undefined
    return true
  }

  get hasChallenge (): boolean { return this.nonce !== '' }

  /** The Authorization header value for one request. */
  authorization (method: string, uri: string): string {
    const ha1 = md5(`${this.user}:${this.realm}:${this.password}`)
    const ha2 = md5(`${method}:${uri}`)
    let out = `Digest username=${quote(this.user)}, realm=${quote(this.realm)}, nonce=${quote(this.nonce)}, uri=${quote(uri)}, algorithm=MD5`
    if (this.qop === 'auth') {
      this.nc++
      const nc = this.nc.toString(16).padStart(8, '0')
      const cnonce = randomBytes(8).toString('hex')
      const response = md5(`${ha1}:${this.nonce}:${nc}:${cnonce}:auth:${ha2}`)
      out += `, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}"`
    } else {
      out += `, response="${md5(`${ha1}:${this.nonce}:${ha2}`)}"` // RFC 2069 form
    }
    if (this.opaque !== undefined) out += `, opaque=${quote(this.opaque)}`
    return out
  }
}

/** `Authorization: Basic …` value (RFC 7617). */
export function basicAuthorization (user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64')
}
