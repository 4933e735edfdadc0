/**
 * VAPIX authentication for a device's Fastify app: HTTP Digest (RFC 7616,
 * MD5, qop=auth) and Basic (RFC 7617, through @fastify/basic-auth), with
 * VAPIX roles. Failures raise catalogue errors (2106 → 401 with both
 * challenges, 2105 → 403); the API's own error handler renders them.
 */
import { createHash, timingSafeEqual as timingSafeEqualBuf } from 'node:crypto'
import fp from 'fastify-plugin'
import basicAuth from '@fastify/basic-auth'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DigestServer } from './digest.js'
import { Errors, VapixError } from './errors.js'
import { hasRole, type Role, type User, type UserStore } from './users.js'
import { FailureLimiter } from './failure-limiter.js'

export interface VapixAuthOptions {
  users: UserStore
  /** Realm, `AXIS_<serial>` on Axis devices. */
  realm: string
  /** 'always' on the camera; 'tls-only' on the radar (radar-link.md §2). */
  basic: 'always' | 'tls-only' | 'never'
  nonceTtlMs?: number
  /** Failed attempts allowed per client address and minute before 429-style refusals. Default 30. */
  maxFailuresPerMinute?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    vapixAuth: {
      digest: DigestServer
      users: UserStore
      /** Authenticates the request (sets request.vapixUser) or throws 2106. */
      authenticate: (request: FastifyRequest) => Promise<User>
      /** Throws 2105 when the authenticated user lacks `role`. */
      authorize: (request: FastifyRequest, role: Role) => void
      /** The WWW-Authenticate challenges for a 401. */
      challenges: (request: FastifyRequest, stale?: boolean) => string[]
    }
  }
  interface FastifyRequest {
    vapixUser?: User
  }
}

const isTls = (request: FastifyRequest): boolean => request.protocol === 'https'

async function vapixAuthPlugin (app: FastifyInstance, opts: VapixAuthOptions): Promise<void> {
  if (opts.users === undefined || typeof opts.users.get !== 'function') throw new TypeError('vapixAuth: users (a UserStore) is required')
  if (!['always', 'tls-only', 'never'].includes(opts.basic)) throw new TypeError(`vapixAuth: basic must be always, tls-only or never, not ${String(opts.basic)}`)
  const digest = new DigestServer({ realm: opts.realm, nonceTtlMs: opts.nonceTtlMs })
  const users = opts.users
  const limiter = new FailureLimiter(opts.maxFailuresPerMinute ?? 30, 60_000)

  // @fastify/basic-auth parses the header (RFC 7617, strict); the password
  // check is synchronous, so its callback runs before basicAuth() returns.
  await app.register(basicAuth, {
    authenticate: false, // challenges are added by `challenges()`, Digest first
    validate: (username: string, password: string, request: FastifyRequest, _reply: unknown, done: (err?: Error) => void) => {
      const user = users.get(username)
      // Constant-time compare even for an unknown user.
      if (!passwordMatches(user, password) || user === undefined) {
        done(Errors.authenticationFailed(user === undefined ? 'unknown user' : 'wrong password'))
        return
      }
      request.vapixUser = user
      done()
    }
  })

  /** The user a Basic `Authorization` header proves, or why not (never the password). */
  const checkBasic = (request: FastifyRequest): User | string => {
    let outcome: User | string = 'bad Basic credentials'
    app.basicAuth(request, undefined as never, (err?: Error) => {
      outcome = err === undefined ? request.vapixUser as User : err instanceof VapixError && err.cause !== undefined ? String(err.cause) : 'bad Basic credentials'
    })
    return outcome
  }

  const basicAllowed = (request: FastifyRequest): boolean =>
    opts.basic === 'always' || (opts.basic === 'tls-only' && isTls(request))

  const challenges = (request: FastifyRequest, stale = false): string[] => {
    const out = [digest.challenge(stale)]
    if (basicAllowed(request)) out.push(`Basic realm="${opts.realm}"`)
    return out
  }

  const fail = (request: FastifyRequest, reason: string, stale = false): VapixError => {
    const err = Errors.authenticationFailed(reason)
    err.headers['www-authenticate'] = challenges(request, stale)
    return err
  }

  const authenticate = async (request: FastifyRequest): Promise<User> => {
    const header = request.headers.authorization
    const client = request.ip
    if (limiter.blocked(client)) {
      const err = Errors.transport(429, 'too many failed authentication attempts')
      err.headers['retry-after'] = String(Math.ceil(limiter.retryAfterMs(client) / 1000))
      throw err
    }
    if (typeof header !== 'string' || header.trim() === '') throw fail(request, 'no credentials')
    const scheme = header.trimStart().slice(0, 7).toLowerCase()
    if (scheme === 'digest ') {
      const result = digest.verify(header, request.method, request.url, (name) => users.get(name)?.password)
      if (result.ok) {
        const user = users.get(result.username) as User
        request.vapixUser = user
        return user
      }
      // A stale nonce or a replay is not a guess at a password: do not count it.
      if (!result.stale && result.reason !== 'replayed nonce count') limiter.fail(client)
      throw fail(request, result.reason, result.stale)
    }
    if (scheme.startsWith('basic ') && basicAllowed(request)) {
      const result = checkBasic(request)
      if (typeof result === 'string') {
        limiter.fail(client)
        throw fail(request, result)
      }
      request.vapixUser = result
      return result
    }
    throw fail(request, 'unsupported authentication scheme')
  }

  const authorize = (request: FastifyRequest, role: Role): void => {
    const user = request.vapixUser
    if (user === undefined) throw fail(request, 'not authenticated')
    if (!hasRole(user.role, role)) throw Errors.authorizationFailed(`${user.name} (${user.role}) needs ${role}`)
  }

  app.decorate('vapixAuth', { digest, users, authenticate, authorize, challenges })
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest()

/** SHA-256 of each user's password, computed once (users are immutable). */
const passwordDigests = new WeakMap<User, Buffer>()
/** Compared against when the user is unknown, so that the work is the same. */
const NO_USER_DIGEST = sha256('\u0000')

/**
 * Constant-time password check: timingSafeEqual needs equal lengths, so the
 * SHA-256 digests are compared — the given password's, hashed per request,
 * and the stored one's, hashed once.
 */
function passwordMatches (user: User | undefined, given: string): boolean {
  let expected = NO_USER_DIGEST
  if (user !== undefined) {
    const d = passwordDigests.get(user)
    if (d !== undefined) expected = d
    else passwordDigests.set(user, expected = sha256(user.password))
  }
  return timingSafeEqualBuf(sha256(given), expected) && user !== undefined
}

export const vapixAuth = fp(vapixAuthPlugin, { name: 'vapix-auth', fastify: '5.x' })
