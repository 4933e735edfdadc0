/**
 * The request journal: the last requests a camera's JSON CGIs answered
 * (time, user, API, method, params with secrets redacted, error code,
 * duration). A bounded ring; filterable; clearable.
 */

export interface JournalEntry {
  seq: number
  time: string
  api: string
  user?: string
  client: string
  method?: string
  params?: Record<string, unknown>
  httpStatus: number
  errorCode?: number
  durationMs: number
}

export interface JournalFilter {
  method?: string
  user?: string
  errorCode?: number
  /** Only entries with seq greater than this. */
  after?: number
  limit?: number
}

const SECRET_KEYS = /pass(word)?|secret|token|authorization|wssession/i

/** Deep copy with every secret-looking member replaced, bounded in depth and size. */
export function redact (value: unknown, depth = 0): unknown {
  if (depth > 4) return '[…]'
  if (typeof value === 'string') return value.length > 256 ? value.slice(0, 256) + '…' : value
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => redact(v, depth + 1))
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).slice(0, 30)) {
      const v = (value as Record<string, unknown>)[k]
      Object.defineProperty(out, k, { value: SECRET_KEYS.test(k) ? '[redacted]' : redact(v, depth + 1), enumerable: true, writable: true, configurable: true })
    }
    return out
  }
  return value
}

export class Journal {
  /** A ring: `count` entries ending just before `next` (mod capacity). */
  private ring: Array<JournalEntry | undefined>
  private next = 0
  private count = 0
  private seq = 0

  constructor (readonly capacity = 1000) {
    if (!(capacity > 0)) throw new TypeError('Journal: capacity must be positive')
    this.ring = new Array<JournalEntry | undefined>(capacity)
  }

  /** O(1): one slot of the ring is overwritten (this runs once per CGI request). */
  add (e: Omit<JournalEntry, 'seq' | 'params'> & { params?: unknown }): void {
    const entry: JournalEntry = { ...e, seq: ++this.seq, params: e.params === undefined ? undefined : redact(e.params) as Record<string, unknown> }
    this.ring[this.next] = entry
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1
    if (this.count < this.capacity) this.count++
  }

  /** Oldest first. */
  private entries (): JournalEntry[] {
    const out = new Array<JournalEntry>(this.count)
    let k = this.next - this.count
    if (k < 0) k += this.capacity
    for (let i = 0; i < this.count; i++) {
      out[i] = this.ring[k] as JournalEntry
      k = k + 1 === this.capacity ? 0 : k + 1
    }
    return out
  }

  list (f: JournalFilter = {}): JournalEntry[] {
    const out = this.entries().filter((e) =>
      (f.method === undefined || e.method === f.method) &&
      (f.user === undefined || e.user === f.user) &&
      (f.errorCode === undefined || e.errorCode === f.errorCode) &&
      (f.after === undefined || e.seq > f.after))
    return f.limit === undefined ? out : out.slice(-f.limit)
  }

  clear (): void {
    this.ring = new Array<JournalEntry | undefined>(this.capacity)
    this.next = 0
    this.count = 0
  }

  get size (): number { return this.count }
}
