import t from 'tap'
import fc from 'fast-check'
import { FaultSet, FaultSpecError, formatFault, parseDuration, parseFault, FAULT_KINDS } from '../../src/radar-sim/faults.js'

t.test('parses every fault kind', async (t) => {
  t.same(parseFault('refuse'), { kind: 'refuse' })
  t.same(parseFault('reject-auth'), { kind: 'reject-auth' })
  t.same(parseFault('not-a-radar'), { kind: 'not-a-radar' })
  t.same(parseFault('drop-after:5s'), { kind: 'drop-after', afterMs: 5000 })
  t.same(parseFault('stall-after:3s'), { kind: 'stall-after', afterMs: 3000 })
  t.same(parseFault('malformed-xml'), { kind: 'malformed-xml', afterMs: 0 })
  t.same(parseFault('malformed-xml-after:2s'), { kind: 'malformed-xml', afterMs: 2000 })
  t.same(parseFault('rtsp-5xx'), { kind: 'rtsp-5xx', status: 503 })
  t.same(parseFault('rtsp-5xx:500'), { kind: 'rtsp-5xx', status: 500 })
  t.same(parseFault('latency:200ms'), { kind: 'latency', ms: 200 })
  t.same(parseFault(' latency:1.5s '), { kind: 'latency', ms: 1500 })
  t.same(parseFault('drop-after:2m'), { kind: 'drop-after', afterMs: 120000 })
})

t.test('clear errors', async (t) => {
  t.throws(() => parseFault('x'), { name: 'FaultSpecError', message: /^unknown fault "x"; expected one of refuse, reject-auth, drop-after:<duration>/ })
  t.throws(() => parseFault('refuse:1s'), /takes no argument/)
  t.throws(() => parseFault('drop-after'), /needs a duration/)
  t.throws(() => parseFault('drop-after:'), /needs a duration/)
  t.throws(() => parseFault('drop-after:5'), /not a duration.*ms, s or m/)
  t.throws(() => parseFault('latency:-1s'), FaultSpecError)
  t.throws(() => parseFault('latency:25h'), FaultSpecError)
  t.throws(() => parseFault('latency:2000m'), /longer than 24 h/)
  t.throws(() => parseFault('rtsp-5xx:404'), /not 500..599/)
  t.throws(() => parseFault(42 as unknown as string), /must be a string/)
  t.equal(parseDuration('250ms'), 250)
})

t.test('formatFault round-trips (property)', async (t) => {
  const arb = fc.oneof(
    fc.constantFrom('refuse', 'reject-auth', 'not-a-radar', 'malformed-xml', 'rtsp-5xx'),
    fc.tuple(fc.constantFrom('drop-after', 'stall-after', 'malformed-xml-after', 'latency'), fc.integer({ min: 0, max: 86_400_000 }))
      .map(([k, ms]) => `${k}:${ms}ms`),
    fc.integer({ min: 500, max: 599 }).map((s) => `rtsp-5xx:${s}`)
  )
  fc.assert(fc.property(arb, (spec) => {
    const f = parseFault(spec)
    const again = parseFault(formatFault(f))
    if (JSON.stringify(again) !== JSON.stringify(f)) throw new Error(`${spec} → ${formatFault(f)}`)
  }))
  t.equal(formatFault(parseFault('drop-after:5000ms')), 'drop-after:5s')
  t.equal(formatFault(parseFault('latency:120s')), 'latency:2m')
  t.equal(formatFault(parseFault('malformed-xml-after:0ms')), 'malformed-xml')
})

t.test('FaultSet: one per kind, atomic changes, change events', async (t) => {
  const set = new FaultSet(['latency:1s', 'latency:2s', 'refuse'])
  t.equal(set.get('latency')?.ms, 2000, 'a later spec of the same kind wins')
  t.same(set.specs(), ['refuse', 'latency:2s'])
  const events: string[][] = []
  set.on('change', (list) => events.push(list.map(formatFault)))
  t.throws(() => set.set(['drop-after:1s', 'nope']), FaultSpecError)
  t.same(set.specs(), ['refuse', 'latency:2s'], 'a bad spec changes nothing')
  set.add('stall-after:3s')
  t.ok(set.has('stall-after'))
  set.remove('refuse')
  set.remove('refuse')
  set.set(['not-a-radar'])
  t.equal(set.size, 1)
  set.clear()
  set.clear()
  t.same(events, [['latency:2s', 'refuse', 'stall-after:3s'], ['latency:2s', 'stall-after:3s'], ['not-a-radar'], []])
  t.same(set.list(), [])
  t.equal(FAULT_KINDS.length, 8)
})
