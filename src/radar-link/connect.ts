/**
 * Step 2, connect (radar-link.md §1): a TCP or TLS connection to the radar,
 * bounded in time; refusal, timeout, TLS handshake and certificate failures
 * become LinkFailures with a readable cause. The state those failures mean
 * is the caller's choice (`connect-failed` on the HTTP side,
 * `transfer-failed` for the RTSP stream).
 */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import type { LinkState } from '../pairing/schema.js'
import { LinkAborted, LinkFailure, cnMismatchCause, connectCause, formatMs, hostPort } from './causes.js'
import type { Endpoint } from './resolve.js'
import type { Scope } from './scope.js'
import type { TlsPolicy } from './tls-policy.js'

export interface ConnectOptions {
  scope: Scope
  endpoint: Endpoint
  /** Port to connect to (defaults to endpoint.port). */
  port?: number
  tls: TlsPolicy | null
  timeoutMs: number
  /** State for failures (default connect-failed). */
  failState?: Exclude<LinkState, 'ok'>
  /** Prefix of causes, e.g. "RTSP " (default none). */
  causePrefix?: string
}

/** The subject CN of the peer certificate (first one when repeated). */
export function peerCn (socket: TLSSocket): string | undefined {
  const cert = socket.getPeerCertificate()
  const cn: unknown = cert?.subject?.CN
  if (Array.isArray(cn)) return typeof cn[0] === 'string' ? cn[0] : undefined
  return typeof cn === 'string' ? cn : undefined
}

function connectOnce (o: ConnectOptions, address: string, port: number): Promise<Socket> {
  const { scope, endpoint, tls } = o
  const state = o.failState ?? 'connect-failed'
  const prefix = o.causePrefix ?? ''
  return new Promise<Socket>((resolve, reject) => {
    let socket: Socket
    if (tls === null) {
      socket = netConnect({ host: address, port, noDelay: true })
    } else {
      const opts: ConnectionOptions = {
        host: address,
        port,
        rejectUnauthorized: tls.verify
      }
      // SNI (and the verified host name) is the configured name; an IP
      // literal is verified against the certificate's IP addresses.
      if (endpoint.isName) opts.servername = endpoint.host
      if (tls.verify) opts.secureContext = tls.secureContext
      socket = tlsConnect(opts)
      socket.setNoDelay(true)
    }
    scope.track(socket)
    let settled = false
    const finish = (err: Error | undefined): void => {
      if (settled) return
      settled = true
      scope.clearTimeout(timer)
      offAbort()
      socket.removeListener('error', onError)
      if (err !== undefined) {
        socket.destroy()
        reject(err)
      } else {
        resolve(socket)
      }
    }
    const onError = (err: Error): void => {
      finish(new LinkFailure(state, prefix + connectCause(err, address, port, endpoint.host)))
    }
    const timer = scope.setTimeout(() => {
      finish(new LinkFailure(state, `${prefix}connect to ${hostPort(address, port)} timed out after ${formatMs(o.timeoutMs)}`))
    }, o.timeoutMs)
    const offAbort = scope.onAbort(() => finish(new LinkAborted()))
    socket.once('error', onError)
    if (tls === null) {
      socket.once('connect', () => finish(undefined))
    } else {
      socket.once('secureConnect', () => {
        const expected = tls.expectedCn
        if (expected !== undefined) {
          const cn = peerCn(socket as TLSSocket)
          if (cn !== expected) {
            finish(new LinkFailure(state, prefix + cnMismatchCause(cn, expected)))
            return
          }
        }
        finish(undefined)
      })
    }
  })
}

/**
 * Connects to the endpoint, trying its addresses in order (a name may
 * resolve to ::1 and 127.0.0.1 while the radar listens on one); the last
 * failure is reported. Certificate failures are not retried on other addresses.
 */
export async function connectEndpoint (o: ConnectOptions): Promise<Socket> {
  const port = o.port ?? o.endpoint.port
  let last: unknown
  for (const address of o.endpoint.addresses) {
    try {
      return await connectOnce(o, address, port)
    } catch (err) {
      if (!(err instanceof LinkFailure) || /certificate/.test(err.cause)) throw err
      last = err
    }
  }
  throw last ?? new LinkFailure(o.failState ?? 'connect-failed', `${o.causePrefix ?? ''}no address to connect to`)
}
