/**
 * Property-based test (fast-check) of the data-stream message handling: any
 * text a client sends gets exactly one VAPIX reply with a documented code,
 * the connection stays open, no prototype changes, and a valid configure
 * still works afterwards.
 */
import t from 'tap'
import fc from 'fast-check'
import { buildTestCamera, ROOT } from '../helper.js'
import { connect, listen } from './ws-client.js'

const DOCUMENTED = new Set([2100, 2101, 2102, 2103, 2104])
const METHODS = ['events:configure', 'analytics-scene-description:configure', 'events:notify', 'events:subscribe', '']
const KEYS = ['apiVersion', 'context', 'method', 'params', 'eventFilterList', 'topicFilter', 'channelFilter', '__proto__', 'constructor', 'prototype']

const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' },
    fc.constantFrom(null, true, 0, -1, '', '1.0', '2.0', '1', '//', 'tnsaxis:RadarSource//', 'a|b|c', '*', ...METHODS),
    fc.string({ maxLength: 30 }),
    fc.double({ noNaN: true }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 })), tie('v'), { maxKeys: 5 }))
})).v

const message = fc.oneof(
  fc.record({
    apiVersion: fc.oneof(fc.constant('1.0'), value),
    context: fc.option(value, { nil: undefined }),
    method: fc.oneof(fc.constantFrom(...METHODS), value),
    params: fc.option(fc.oneof(value, fc.record({
      eventFilterList: fc.oneof(value, fc.array(fc.record({ topicFilter: value }, { requiredKeys: [] }), { maxLength: 3 })),
      channelFilter: fc.oneof(value, fc.array(value, { maxLength: 3 }))
    }, { requiredKeys: [] })), { nil: undefined })
  }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"__proto__":{"polluted":1},"apiVersion":"1.0","method":"events:configure","params":{"eventFilterList":[]}}', '[' .repeat(3000) + ']'.repeat(3000), 'null', '{}')
)

t.test('any message gets one documented VAPIX answer; the session survives', async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  const { base } = await listen(c.app)
  const client = await connect(`${base}/vapix/ws-data-stream?sources=events,analytics-scene-description`, { authorization: ROOT })
  t.teardown(client.close)
  // Notifications carry params.notification; every answer carries data or error.
  const isReply = (m: any): boolean => 'data' in m || 'error' in m
  await fc.assert(fc.asyncProperty(message, async (text) => {
    client.send(text)
    const reply = await client.next(isReply, 5000)
    if (typeof reply.apiVersion !== 'string') throw new Error(`no apiVersion: ${JSON.stringify(reply)}`)
    if ('data' in reply && 'error' in reply) throw new Error(`data xor error: ${JSON.stringify(reply)}`)
    if ('error' in reply && !DOCUMENTED.has(reply.error.code)) throw new Error(`undocumented ${JSON.stringify(reply)} for ${text.slice(0, 200)}`)
  }), { numRuns: 600, seed: 42 })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
  t.equal(client.ws.readyState, 1, 'still open')
  const ok = await client.call({ apiVersion: '1.0', context: 'end', method: 'analytics-scene-description:configure', params: { channelFilter: ['1'] } })
  t.same(ok, { apiVersion: '1.0', context: 'end', method: 'analytics-scene-description:configure', data: {} })
})
