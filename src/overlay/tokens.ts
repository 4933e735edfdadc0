/**
 * WebSocket session tokens (`GET /axis-cgi/wssession.cgi`): a decimal string,
 * used once, valid for 15 s, remembering who asked for it. The store is
 * bounded: when full, expired tokens go first, then the oldest.
 */
import { randomBytes } from 'node:crypto'
import type { User } from '../vapix/users.js'

export interface TokenStoreOptions {
  /** Lifetime (ms). Default 15 000 (spec). */
  ttlMs?: number
  /** Most live tokens kept. Default 1000. */
  max?: number
  now?: () => number
}

export const TOKEN_RE = /^[0-9]{1,20}$/

export class SessionTokens {
  private readonly tokens = new Map<string, { user: User, expires: number }>()
  readonly ttlMs: number
  private readonly max: number
  private readonly now: () => number

  constructor (opts: TokenStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 15_000
    this.max = opts.max ?? 1000
    this.now = opts.now ?? Date.now
    if (!(this.ttlMs > 0) || !(this.max > 0)) throw new TypeError('SessionTokens: ttlMs and max must be positive')
  }

  /** A new token for `user`. */
  issue (user: User): string {
    const now = this.now()
    if (this.tokens.size >= this.max) this.prune(now)
    while (this.tokens.size >= this.max) {
      const oldest = this.tokens.keys().next().value as string
      this.tokens.delete(oldest)
    }
    let token: string
    do token = randomBytes(8).readBigUInt64BE().toString(10)
    while (this.tokens.has(token))
    this.tokens.set(token, { user, expires: now + this.ttlMs })
    return token
  }

  /** The token's user if it is live; the token is spent either way. */
  consume (token: string): User | undefined {
    if (!TOKEN_RE.test(token)) return undefined
    const entry = this.tokens.get(token)
    if (entry === undefined) return undefined
    this.tokens.delete(token)
    return entry.expires > this.now() ? entry.user : undefined
  }

  get size (): number { return this.tokens.size }

  private prune (now: number): void {
    for (const [k, v] of this.tokens) if (v.expires <= now) this.tokens.delete(k)
  }
}
