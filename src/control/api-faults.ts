/**
 * Faults injected into the camera's own API: the next N calls (or a fraction
 * of calls) of a method answer a given VAPIX error code, and/or wait longer.
 * Consulted by the JSON CGI before each method runs.
 */
import { Type, type Static } from '@sinclair/typebox'
import { errorByCode, type VapixError } from '../vapix/errors.js'

export const ApiFaultSchema = Type.Object({
  /** VAPIX method name, or "*" for every method. */
  method: Type.String({ minLength: 1, maxLength: 64 }),
  /** A code of the error catalogue (1100, 2100–2107, 2200–2202). */
  errorCode: Type.Optional(Type.Integer()),
  /** Added latency before answering (ms). */
  latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
  /** Applies to the next `count` matching calls, then is removed. */
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  /** Applies to this fraction of matching calls (0..1), while it lasts. */
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1 }))
}, { additionalProperties: false })
export type ApiFaultSpec = Static<typeof ApiFaultSchema>

export interface ApiFault extends ApiFaultSpec { id: number, hits: number }

export class ApiFaultError extends Error {}

export class ApiFaults {
  private faults: ApiFault[] = []
  private nextId = 1

  constructor (private readonly random: () => number = Math.random) {}

  /** Validates and adds a fault; throws ApiFaultError with a clear message. */
  add (spec: ApiFaultSpec): ApiFault {
    if (spec.errorCode === undefined && spec.latencyMs === undefined) throw new ApiFaultError('a fault needs errorCode, latencyMs or both')
    if (spec.errorCode !== undefined && errorByCode(spec.errorCode) === undefined) throw new ApiFaultError(`errorCode ${spec.errorCode} is not in the error catalogue`)
    const fault: ApiFault = { ...spec, id: this.nextId++, hits: 0 }
    this.faults.push(fault)
    return fault
  }

  list (): ApiFault[] { return this.faults.map((f) => ({ ...f })) }

  remove (id: number): boolean {
    const before = this.faults.length
    this.faults = this.faults.filter((f) => f.id !== id)
    return this.faults.length !== before
  }

  clear (): void { this.faults = [] }

  /** What to do for one call: a latency and/or an error. */
  take (method: string): { latencyMs: number, error?: VapixError } {
    let latencyMs = 0
    let error: VapixError | undefined
    for (const f of this.faults) {
      if (f.method !== '*' && f.method !== method) continue
      if (f.probability !== undefined && this.random() >= f.probability) continue
      f.hits++
      if (f.count !== undefined) f.count--
      latencyMs += f.latencyMs ?? 0
      if (error === undefined && f.errorCode !== undefined) error = (errorByCode(f.errorCode) as NonNullable<ReturnType<typeof errorByCode>>)('injected fault')
    }
    this.faults = this.faults.filter((f) => f.count === undefined || f.count > 0)
    return { latencyMs, error }
  }
}
