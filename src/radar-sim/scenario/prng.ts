/**
 * Small seeded pseudo-random numbers for the scene engine: sfc32 (Chris
 * Doty-Humphrey's Small Fast Counting generator, 128-bit state, passes
 * PractRand to 2^40+), seeded through splitmix32. Deterministic across
 * platforms (32-bit integer arithmetic only). Not for cryptography.
 */

/** A 32-bit mix (splitmix32 finaliser): spreads any integer over 32 bits. */
export function mix32 (x: number): number {
  x = (x + 0x9e3779b9) | 0
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad)
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97)
  return (x ^ (x >>> 15)) >>> 0
}

/**
 * A seed for an independent stream, from a base seed and a path of integers,
 * e.g. deriveSeed(seed, STREAM_WALKER, targetIndex, loopIndex). Streams keep
 * one consumer's draws from shifting another's.
 */
export function deriveSeed (seed: number, ...path: number[]): number {
  let h = mix32(seed | 0)
  for (const p of path) h = mix32((h ^ mix32(p | 0)) + Math.imul(h, 31))
  return h
}

export class Prng {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor (seed: number) {
    // splitmix32 expands the seed into the 128-bit state
    let s = seed | 0
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0
      return mix32(s)
    }
    this.a = next(); this.b = next(); this.c = next(); this.d = next() | 1
    for (let i = 0; i < 12; i++) this.nextUint32() // warm up
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32 (): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next (): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform in [min, max). */
  uniform (min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** Exponentially distributed with the given mean (> 0). */
  exponential (mean: number): number {
    return -mean * Math.log(1 - this.next())
  }
}
