/**
 * Bounds failed authentication attempts per client address in a sliding
 * window, so that password guessing from one address is slowed down without
 * locking out the other users. Memory is bounded (oldest addresses dropped).
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>()

  constructor (private readonly max: number, private readonly windowMs: number, private readonly maxClients = 10_000, private readonly now: () => number = Date.now) {
    if (!(max > 0) || !(windowMs > 0)) throw new TypeError('FailureLimiter: max and windowMs must be positive')
  }

  private recent (client: string): number[] {
    const list = this.failures.get(client)
    if (list === undefined) return []
    const cutoff = this.now() - this.windowMs
    while (list.length > 0 && list[0] <= cutoff) list.shift()
    if (list.length === 0) this.failures.delete(client)
    return list
  }

  blocked (client: string): boolean { return this.recent(client).length >= this.max }

  retryAfterMs (client: string): number {
    const list = this.recent(client)
    return list.length === 0 ? 0 : Math.max(0, list[0] + this.windowMs - this.now())
  }

  fail (client: string): void {
    const list = this.recent(client)
    list.push(this.now())
    this.failures.delete(client)
    this.failures.set(client, list)
    if (this.failures.size > this.maxClients) {
      const oldest = this.failures.keys().next().value
      if (oldest !== undefined) this.failures.delete(oldest)
    }
  }
}
