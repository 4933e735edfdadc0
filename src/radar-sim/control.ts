/**
 * The simulator's control endpoint: `POST /radar-sim/control`, VAPIX JSON
 * envelope (apiVersion "1.0"), admin only (Digest; Basic over HTTPS).
 *
 *   getFaults                         → { faults: ["stall-after:3s", …] }
 *   setFaults   { faults: string[] }  → replaces all faults; { faults }
 *   addFaults   { faults: string[] }  → adds (same kind replaces); { faults }
 *   clearFaults                       → { faults: [] }
 *   setScenario { scenario: string, seed?: integer }
 *                                     → a fixture name ("crowd") or a YAML path; { scenario, seed }
 *   getStatus                         → { scenario, seed, rate, faults, streaming, rtsp: {…stats, sessions} }
 *
 * A bad fault spec answers 9101 naming the problem; nothing changes (all
 * specs are parsed before any is applied). A scenario that fails to load
 * answers 9102 and the old one stays.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { ApiVersions } from '../vapix/envelope.js'
import { defineError, VapixError, type ErrorDef } from '../vapix/errors.js'
import { jsonCgi, method } from '../vapix/json-cgi.js'
import { FaultSpecError, FaultSet } from './faults.js'

export const CONTROL_URL = '/radar-sim/control'

/** Control-endpoint errors (simulator-specific codes, outside the VAPIX ranges). */
export const ControlErrors = {
  badFault: defineError(9101, 'Invalid fault specification.', 200),
  scenarioFailed: defineError(9102, 'Scenario could not be loaded.', 200)
} as const

/**
 * The catalogue error with the reason appended: unlike the device APIs, the
 * control endpoint tells its (admin) caller what was wrong, e.g.
 * `unknown fault "x"; expected one of …`.
 */
function explained (def: ErrorDef, reason: string): VapixError {
  return new VapixError(def.code, `${def.message} ${reason}`, def.statusCode, reason)
}

export interface ControlHooks {
  faults: FaultSet
  /** Loads and switches to a scenario; rejects with a readable Error on failure. */
  setScenario: (scenario: string, seed?: number) => Promise<{ scenario: string, seed: number }>
  status: () => Record<string, unknown>
}

const FaultList = Type.Object({ faults: Type.Array(Type.String({ maxLength: 200 }), { maxItems: 32 }) }, { additionalProperties: false })
const ScenarioParams = Type.Object({
  scenario: Type.String({ minLength: 1, maxLength: 1024 }),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }))
}, { additionalProperties: false })

/** Registers the control CGI; the context must have vapixAuth registered. */
export async function controlRoutes (app: FastifyInstance, hooks: ControlHooks): Promise<void> {
  const { faults } = hooks
  const parse = (specs: string[]): void => {
    try {
      FaultSet.parseAll(specs)
    } catch (err) {
      if (err instanceof FaultSpecError) throw explained(ControlErrors.badFault, err.message)
      throw err
    }
  }
  await jsonCgi(app, {
    url: CONTROL_URL,
    versions: new ApiVersions(['1.0']),
    methods: {
      getFaults: method({ role: 'admin', handler: () => ({ faults: faults.specs() }) }),
      setFaults: method({
        role: 'admin',
        params: FaultList,
        handler: (p) => { parse(p.faults); faults.set(p.faults); return { faults: faults.specs() } }
      }),
      addFaults: method({
        role: 'admin',
        params: FaultList,
        handler: (p) => { parse(p.faults); faults.add(...p.faults); return { faults: faults.specs() } }
      }),
      clearFaults: method({ role: 'admin', handler: () => { faults.clear(); return { faults: [] } } }),
      setScenario: method({
        role: 'admin',
        params: ScenarioParams,
        handler: async (p) => {
          try {
            return await hooks.setScenario(p.scenario, p.seed)
          } catch (err) {
            throw explained(ControlErrors.scenarioFailed, (err as Error).message)
          }
        }
      }),
      getStatus: method({ role: 'admin', handler: () => hooks.status() })
    }
  })
}
