/**
 * Small statistics helpers: a latency histogram that merges across
 * processes, medians, number formatting.
 */

/**
 * Latency histogram in ms: 0.05 ms buckets below 500 ms, 1 ms buckets up to
 * 60 s (anything longer lands in the last bucket). Serialisable as pairs.
 */
export class LatencyHistogram {
  constructor () { this.buckets = new Map(); this.count = 0; this.sum = 0; this.max = 0 }

  static key (ms) {
    if (!(ms > 0)) return 0
    if (ms < 500) return Math.floor(ms * 20)
    return 10_000 + Math.min(59_500, Math.floor(ms - 500))
  }

  static value (key) { return key < 10_000 ? (key + 0.5) / 20 : 500 + (key - 10_000) + 0.5 }

  add (ms) {
    const k = LatencyHistogram.key(ms)
    this.buckets.set(k, (this.buckets.get(k) ?? 0) + 1)
    this.count++
    this.sum += ms
    if (ms > this.max) this.max = ms
  }

  merge (pairs) {
    for (const [k, n] of pairs.buckets) this.buckets.set(k, (this.buckets.get(k) ?? 0) + n)
    this.count += pairs.count
    this.sum += pairs.sum
    if (pairs.max > this.max) this.max = pairs.max
    return this
  }

  toJSON () { return { buckets: [...this.buckets], count: this.count, sum: this.sum, max: this.max } }

  quantile (q) {
    if (this.count === 0) return NaN
    const keys = [...this.buckets.keys()].sort((a, b) => a - b)
    const rank = Math.ceil(q * this.count)
    let seen = 0
    for (const k of keys) {
      seen += this.buckets.get(k)
      if (seen >= rank) return LatencyHistogram.value(k)
    }
    return LatencyHistogram.value(keys[keys.length - 1])
  }
}

export function median (values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  if (v.length === 0) return NaN
  const m = v.length >> 1
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2
}

/** A number with about 3 significant digits (no exponent). */
export function fmt (x) {
  if (x === undefined || x === null || Number.isNaN(x)) return 'n/a'
  if (!Number.isFinite(x)) return String(x)
  const a = Math.abs(x)
  if (a >= 1000) return String(Math.round(x))
  if (a >= 100) return x.toFixed(0)
  if (a >= 10) return x.toFixed(1)
  if (a >= 1) return x.toFixed(2)
  if (a === 0) return '0'
  return x.toPrecision(3)
}

export const ratio = (a, b) => (b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? NaN : a / b)
