/**
 * Why a radar link attempt failed: the public state it puts the pairing in
 * and a readable cause (radar-link.md §1), e.g. `ECONNREFUSED 127.0.0.1:8081`,
 * `401 from param.cgi`, `certificate signed by unknown authority
 * (SELF_SIGNED_CERT_IN_CHAIN)`, `no frame for 5 s`. Causes never carry
 * credentials: they are built from error codes, addresses and statuses only.
 */
import type { LinkState } from '../pairing/schema.js'

/** A failed step: the state it means and the cause shown in logs and events. */
export class LinkFailure extends Error {
  override name = 'LinkFailure'
  constructor (readonly state: Exclude<LinkState, 'ok'>, override readonly cause: string) {
    super(cause)
  }
}

/** Thrown inside an attempt that was stopped; never reported. */
export class LinkAborted extends Error {
  override name = 'LinkAborted'
  constructor () { super('radar link stopped') }
}

export const isAborted = (e: unknown): e is LinkAborted => e instanceof LinkAborted

/** `5 s`, `1.5 s`, `250 ms`. */
export function formatMs (ms: number): string {
  if (ms >= 1000) return `${Math.round(ms / 100) / 10} s`
  return `${Math.round(ms)} ms`
}

/** `127.0.0.1:80`, `[::1]:80`, `radar.example:80`. */
export function hostPort (host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** OpenSSL verification codes meaning "the chain does not lead to a trusted CA". */
const UNKNOWN_AUTHORITY = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED'
])

const CERT_PROBLEMS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate was revoked',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  CERT_REJECTED: 'certificate was rejected',
  INVALID_CA: 'a CA certificate in the chain is invalid',
  INVALID_PURPOSE: 'certificate is not for TLS server use',
  HOSTNAME_MISMATCH: 'certificate does not match the host name'
}

const DNS_PROBLEMS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'name not found',
  EAI_NONAME: 'name not found',
  EAI_AGAIN: 'name server not reachable or temporary failure',
  EAI_FAIL: 'name server failure',
  ENODATA: 'no address for the name',
  ESERVFAIL: 'name server failure',
  ETIMEOUT: 'name lookup timed out'
}

interface ErrnoLike { code?: unknown, message?: unknown, reason?: unknown }

function codeOf (err: unknown): string | undefined {
  const c = (err as ErrnoLike | null)?.code
  return typeof c === 'string' && c !== '' ? c : undefined
}

function messageOf (err: unknown): string {
  const m = (err as ErrnoLike | null)?.message
  return typeof m === 'string' && m !== '' ? m : String(err)
}

/** True for errors raised by certificate verification (chain or host name). */
export function isCertificateError (err: unknown): boolean {
  const code = codeOf(err)
  return code !== undefined && (UNKNOWN_AUTHORITY.has(code) || code in CERT_PROBLEMS || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
}

/**
 * Cause of a failed TCP connect or TLS handshake to `host:port`.
 * `name` is the host name as configured (for certificate host-name errors).
 */
export function connectCause (err: unknown, host: string, port: number, name = host): string {
  const code = codeOf(err)
  const where = hostPort(host, port)
  if (code !== undefined) {
    if (UNKNOWN_AUTHORITY.has(code)) return `certificate signed by unknown authority (${code})`
    const cert = CERT_PROBLEMS[code]
    if (cert !== undefined) return `${cert} (${code})`
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `certificate is not valid for ${name} (${code})`
    if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code.startsWith('ERR_TLS_')) {
      const reason = (err as ErrnoLike).reason
      const detail = typeof reason === 'string' && reason !== '' ? reason : messageOf(err).split('\n')[0].replace(/^.*routines:/, '')
      return `TLS handshake with ${where} failed: ${detail} (${code})`
    }
    if (/^E[A-Z]+$/.test(code)) return `${code} ${where}`
    return `${messageOf(err)} (${code}, ${where})`
  }
  return `${messageOf(err)} (${where})`
}

/** Cause of a failed name lookup. */
export function dnsCause (err: unknown, host: string): string {
  const code = codeOf(err)
  if (code === undefined) return `${host}: name lookup failed: ${messageOf(err)}`
  const what = DNS_PROBLEMS[code]
  return what !== undefined ? `${host}: ${what} (${code})` : `${host}: name lookup failed (${code})`
}

/** Cause of a broken connection after it was made (reset, closed). */
export function ioCause (err: unknown, host: string, port: number): string {
  const code = codeOf(err)
  const where = hostPort(host, port)
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return `${code} ${where}`
  return `${messageOf(err)} (${where})`
}

/** `certificate CN x does not match y`. */
export function cnMismatchCause (actual: string | undefined, expected: string): string {
  return `certificate CN ${actual === undefined || actual === '' ? '(none)' : actual} does not match ${expected}`
}

/** `no frame for 5 s`. */
export const noFrameCause = (ms: number): string => `no frame for ${formatMs(ms)}`

/** `401 from param.cgi`, `503 Service Unavailable from RTSP DESCRIBE`. */
export function statusCause (status: number, what: string, reason?: string): string {
  return reason !== undefined && reason !== '' ? `${status} ${reason} from ${what}` : `${status} from ${what}`
}

/** Any error → a LinkFailure (unexpected ones become `failed`). */
export function toFailure (err: unknown): LinkFailure {
  if (err instanceof LinkFailure) return err
  return new LinkFailure('failed', `internal error: ${messageOf(err)}`)
}
