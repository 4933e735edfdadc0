/**
 * The link's VAPIX HTTP(S) client (radar-link.md §1–2): one request per
 * connection (`Connection: close`) over a socket the link made itself, so
 * that connect failures are classified exactly and every socket belongs to
 * the attempt's Scope. Answers a Digest challenge (RFC 7616, via
 * DigestClient) and then sends Digest credentials up front on later requests;
 * Basic only over TLS and only when the radar offers no usable Digest.
 * Bounds: answer within `requestMs`, body at most `maxBytes`.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { DigestClient, basicAuthorization, parseChallenges } from '../vapix/digest.js'
import { LinkAborted, LinkFailure, formatMs, hostPort, ioCause } from './causes.js'
import { connectEndpoint } from './connect.js'
import type { Endpoint } from './resolve.js'
import type { Scope } from './scope.js'
import type { TlsPolicy } from './tls-policy.js'

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export interface VapixHttpOptions {
  scope: Scope
  endpoint: Endpoint
  tls: TlsPolicy | null
  user: string
  password: string
  connectMs: number
  /** Whole answer (headers and body) within this time. */
  requestMs: number
  /** Largest answer body. */
  maxBytes: number
  userAgent?: string
}

export class VapixHttpClient {
  private readonly digest: DigestClient
  private basic = false
  private readonly hostHeader: string

  constructor (private readonly o: VapixHttpOptions) {
    this.digest = new DigestClient(o.user, o.password)
    const { endpoint } = o
    const defaultPort = o.tls === null ? 80 : 443
    const bare = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host
    this.hostHeader = endpoint.port === defaultPort ? bare : hostPort(endpoint.host, endpoint.port)
  }

  private credentials (method: string, path: string): string | undefined {
    if (this.digest.hasChallenge) return this.digest.authorization(method, path)
    if (this.basic) return basicAuthorization(this.o.user, this.o.password)
    return undefined
  }

  /**
   * One request, authenticated as needed. `what` names it in causes
   * (e.g. "param.cgi"). 401 after answering the challenge → authentication-failed.
   */
  async request (method: 'GET' | 'POST', path: string, what: string, json?: unknown): Promise<HttpAnswer> {
    const body = json === undefined ? undefined : Buffer.from(JSON.stringify(json), 'utf8')
    const first = this.credentials(method, path)
    const res = await this.exchange(method, path, what, first, body)
    if (res.status !== 401) return res
    const challenge = res.headers['www-authenticate']
    let auth: string
    if (this.digest.setChallenge(challenge)) {
      this.basic = false
      auth = this.digest.authorization(method, path)
    } else {
      const offered = parseChallenges(challenge).map((c) => c.scheme)
      if (!offered.includes('basic')) {
        const list = offered.length === 0 ? 'no challenge' : offered.join(', ')
        throw new LinkFailure('authentication-failed', `401 from ${what} with no usable challenge (${list})`)
      }
      if (this.o.tls === null) throw new LinkFailure('authentication-failed', `${what} offers only Basic authentication, which is not sent without TLS`)
      if (this.basic && first !== undefined) throw new LinkFailure('authentication-failed', `401 from ${what}`)
      this.basic = true
      auth = basicAuthorization(this.o.user, this.o.password)
    }
    const again = await this.exchange(method, path, what, auth, body)
    if (again.status === 401) throw new LinkFailure('authentication-failed', `401 from ${what}`)
    return again
  }

  private async exchange (method: string, path: string, what: string, authorization: string | undefined, body: Buffer | undefined): Promise<HttpAnswer> {
    const { scope, endpoint } = this.o
    const socket = await connectEndpoint({ scope, endpoint, tls: this.o.tls, timeoutMs: this.o.connectMs })
    const peer = socket.remoteAddress ?? endpoint.host
    const port = socket.remotePort ?? endpoint.port
    const headers: Record<string, string> = {
      Host: this.hostHeader,
      Accept: body === undefined ? 'text/plain, */*' : 'application/json',
      'User-Agent': this.o.userAgent ?? 'radar-pairing-emulator',
      Connection: 'close'
    }
    if (authorization !== undefined) headers.Authorization = authorization
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = String(body.length)
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
      let settled = false
      let response: IncomingMessage | undefined
      const chunks: Buffer[] = []
      let size = 0
      const finish = (err: Error | undefined, answer?: HttpAnswer): void => {
        if (settled) return
        settled = true
        scope.clearTimeout(timer)
        offAbort()
        socket.destroy()
        if (err !== undefined) reject(err)
        else resolve(answer as HttpAnswer)
      }
      // Before the answer starts the connection is as good as not made; after, the transfer broke.
      const broken = (err: unknown): LinkFailure => response === undefined
        ? new LinkFailure('connect-failed', `${ioCause(err, peer, port)} (no answer from ${what})`)
        : new LinkFailure('transfer-failed', `${what} answer cut off: ${ioCause(err, peer, port)}`)
      const timer = scope.setTimeout(() => {
        finish(response === undefined
          ? new LinkFailure('connect-failed', `no answer from ${what} within ${formatMs(this.o.requestMs)} (${hostPort(peer, port)})`)
          : new LinkFailure('transfer-failed', `${what} answer not complete within ${formatMs(this.o.requestMs)}`))
      }, this.o.requestMs)
      const offAbort = scope.onAbort(() => finish(new LinkAborted()))
      const req = httpRequest({
        createConnection: () => socket,
        method,
        path,
        headers,
        setHost: false,
        maxHeaderSize: 16 * 1024
      })
      req.on('error', (err) => finish(broken(err)))
      req.on('response', (res) => {
        response = res
        const declared = Number(res.headers['content-length'])
        if (declared > this.o.maxBytes) {
          finish(new LinkFailure('failed', `answer from ${what} larger than ${this.o.maxBytes} bytes`))
          return
        }
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > this.o.maxBytes) finish(new LinkFailure('failed', `answer from ${what} larger than ${this.o.maxBytes} bytes`))
          else chunks.push(chunk)
        })
        res.on('error', (err) => finish(broken(err)))
        res.on('aborted', () => finish(broken(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }))))
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks, size) }))
      })
      req.end(body)
    })
  }
}
