/**
 * Retry delays while the pairing is active (radar-link.md §1 Decision):
 * 1 s doubling to 30 s, each delay spread by ±20 % jitter so that many
 * cameras do not retry in step. Pure: the random source is injected.
 */
export interface BackoffOptions {
  /** First delay (ms). Default 1000. */
  initialMs?: number
  /** Largest delay before jitter (ms). Default 30,000. */
  maxMs?: number
  /** Relative spread: 0.2 → each delay is in [0.8 d, 1.2 d]. Default 0.2. */
  jitter?: number
  /** Uniform in [0, 1). Default Math.random. */
  random?: () => number
}

export class Backoff {
  readonly initialMs: number
  readonly maxMs: number
  readonly jitter: number
  private readonly random: () => number
  private attempt = 0

  constructor (opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 1000
    this.maxMs = opts.maxMs ?? 30_000
    this.jitter = opts.jitter ?? 0.2
    this.random = opts.random ?? Math.random
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs)) throw new RangeError('Backoff: need 0 < initialMs <= maxMs')
    if (!(this.jitter >= 0 && this.jitter < 1)) throw new RangeError('Backoff: jitter must be in [0, 1)')
  }

  /** The delay before the next retry; each call doubles the base up to maxMs. */
  next (): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 40))
    this.attempt++
    const r = this.random()
    return Math.max(0, Math.round(base * (1 + this.jitter * (2 * r - 1))))
  }

  /** After a session that reached `ok`: start again from initialMs. */
  reset (): void { this.attempt = 0 }

  /** Retries since the last reset. */
  get retries (): number { return this.attempt }
}
