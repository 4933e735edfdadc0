/**
 * The emulator's control API under /emulator/v1 (not part of a real camera):
 * health, reset, faults on the camera API, the request journal, and control
 * of the built-in radar simulator. Admin credentials (Digest or Basic) except
 * for health. Described by the OpenAPI document at /emulator/v1/openapi.json.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from '@sinclair/typebox'
import { VapixError } from '../vapix/errors.js'
import { ApiFaultSchema, ApiFaultError } from './api-faults.js'
import type { SimulatorControl } from './simulator-control.js'

const ErrorReply = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) })

const Health = Type.Object({
  status: Type.Literal('ok'),
  serial: Type.String(),
  profile: Type.String(),
  state: Type.String(),
  active: Type.Boolean(),
  uptimeSeconds: Type.Number()
})

const JournalQuery = Type.Object({
  method: Type.Optional(Type.String({ maxLength: 64 })),
  user: Type.Optional(Type.String({ maxLength: 64 })),
  errorCode: Type.Optional(Type.Integer()),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }))
}, { additionalProperties: false })

const JournalEntry = Type.Object({
  seq: Type.Integer(),
  time: Type.String(),
  api: Type.String(),
  user: Type.Optional(Type.String()),
  client: Type.String(),
  method: Type.Optional(Type.String()),
  params: Type.Optional(Type.Unknown()),
  httpStatus: Type.Integer(),
  errorCode: Type.Optional(Type.Integer()),
  durationMs: Type.Number()
})

const Fault = Type.Composite([ApiFaultSchema, Type.Object({ id: Type.Integer(), hits: Type.Integer() })])
const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) })

const SimScenario = Type.Object({
  scenario: Type.String({ minLength: 1, maxLength: 512, description: 'A fixture name (default, empty, crowd, fast-vehicles, fifty-tracks) or a file path' }),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }))
}, { additionalProperties: false })
const SimFaults = Type.Object({ faults: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }) }, { additionalProperties: false })

export interface ControlRoutesOptions {
  simulator?: SimulatorControl
  startedAt: number
}

const tags = ['emulator']

export async function controlRoutes (app: FastifyInstance, opts: ControlRoutesOptions): Promise<void> {
  const { camera } = app

  const adminOnly = async (request: FastifyRequest): Promise<void> => {
    await app.vapixAuth.authenticate(request)
    app.vapixAuth.authorize(request, 'admin')
  }

  app.setErrorHandler((error: Error & { statusCode?: number, validation?: unknown, code?: unknown }, request, reply: FastifyReply) => {
    if (error instanceof VapixError) {
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v)
      return reply.code(error.statusCode).send({ error: { code: `VAPIX_${error.code}`, message: error.message } })
    }
    if (error instanceof ApiFaultError) return reply.code(400).send({ error: { code: 'BAD_FAULT', message: error.message } })
    if (error.validation !== undefined || (error.statusCode !== undefined && error.statusCode < 500)) {
      return reply.code(error.statusCode ?? 400).send({ error: { code: typeof error.code === 'string' ? error.code : 'BAD_REQUEST', message: error.message } })
    }
    request.log.error({ err: error }, 'control API failure')
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal error.' } })
  })

  app.get('/health', {
    schema: { tags, summary: 'Liveness and the pairing state (no authentication)', response: { 200: Health } }
  }, async () => ({
    status: 'ok' as const,
    serial: camera.serial,
    profile: camera.profile,
    state: camera.pairing.state,
    active: camera.pairing.active,
    uptimeSeconds: Math.round((Date.now() - opts.startedAt) / 100) / 10
  }))

  await app.register(async (admin) => {
    admin.addHook('onRequest', adminOnly)

    admin.post('/reset', {
      schema: { tags, summary: 'Back to factory state: configuration cleared, link down, journal and API faults emptied, simulator faults cleared', response: { 200: Type.Object({ reset: Type.Boolean() }) } }
    }, async () => {
      await camera.pairing.reset()
      camera.journal.clear()
      camera.apiFaults.clear()
      opts.simulator?.setFaults([])
      return { reset: true }
    })

    admin.get('/faults', { schema: { tags, summary: 'API faults in force', response: { 200: Type.Object({ faults: Type.Array(Fault) }) } } },
      async () => ({ faults: camera.apiFaults.list() }))
    admin.post('/faults', {
      schema: { tags, summary: 'Make calls of a method answer a VAPIX error and/or wait', body: ApiFaultSchema, response: { 201: Fault, 400: ErrorReply } }
    }, async (request, reply) => reply.code(201).send(camera.apiFaults.add(request.body as Static<typeof ApiFaultSchema>)))
    admin.delete('/faults', { schema: { tags, summary: 'Remove every API fault', response: { 204: Type.Null() } } },
      async (_request, reply) => { camera.apiFaults.clear(); return reply.code(204).send() })
    admin.delete('/faults/:id', { schema: { tags, summary: 'Remove one API fault', params: IdParam, response: { 204: Type.Null(), 404: ErrorReply } } },
      async (request, reply) => {
        const { id } = request.params as Static<typeof IdParam>
        if (!camera.apiFaults.remove(id)) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no fault ${id}` } })
        return reply.code(204).send()
      })

    admin.get('/journal', {
      schema: { tags, summary: 'The last requests (secrets redacted), oldest first', querystring: JournalQuery, response: { 200: Type.Object({ entries: Type.Array(JournalEntry) }) } }
    }, async (request) => ({ entries: camera.journal.list(request.query as Static<typeof JournalQuery>) }))
    admin.delete('/journal', { schema: { tags, summary: 'Empty the journal', response: { 204: Type.Null() } } },
      async (_request, reply) => { camera.journal.clear(); return reply.code(204).send() })

    const sim = opts.simulator
    const noSim = (reply: FastifyReply): FastifyReply => reply.code(404).send({ error: { code: 'NO_SIMULATOR', message: 'this camera runs without a built-in radar simulator (--no-sim)' } })
    admin.get('/radar-sim', { schema: { tags, summary: 'The built-in simulator: address, scenario, faults, sessions' } },
      async (_request, reply) => sim === undefined ? noSim(reply) : sim.status())
    admin.put('/radar-sim/scenario', { schema: { tags, summary: 'Load a scenario into the built-in simulator', body: SimScenario } },
      async (request, reply) => {
        if (sim === undefined) return noSim(reply)
        const body = request.body as Static<typeof SimScenario>
        try { await sim.setScenario(body.scenario, body.seed) } catch (err) { return reply.code(400).send({ error: { code: 'BAD_SCENARIO', message: (err as Error).message } }) }
        return sim.status()
      })
    admin.put('/radar-sim/faults', { schema: { tags, summary: 'Replace the simulator\'s faults (e.g. ["stall-after:3s"])', body: SimFaults } },
      async (request, reply) => {
        if (sim === undefined) return noSim(reply)
        try { sim.setFaults((request.body as Static<typeof SimFaults>).faults) } catch (err) { return reply.code(400).send({ error: { code: 'BAD_FAULT', message: (err as Error).message } }) }
        return sim.status()
      })
    admin.post('/radar-sim/stop', { schema: { tags, summary: 'Stop the simulated radar (its ports close)' } },
      async (_request, reply) => { if (sim === undefined) return noSim(reply); await sim.stop(); return sim.status() })
    admin.post('/radar-sim/start', { schema: { tags, summary: 'Start the simulated radar again on the same ports' } },
      async (_request, reply) => { if (sim === undefined) return noSim(reply); await sim.start(); return sim.status() })

    admin.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  })
}
