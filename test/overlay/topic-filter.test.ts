import t from 'tap'
import { compileTopicFilter, TopicFilterError } from '../../src/overlay/topic-filter.js'
import { TOPICS } from '../../src/overlay/messages.js'

t.test('an exact topic matches itself only', async (t) => {
  const f = compileTopicFilter([TOPICS.motionAlarm])
  t.ok(f.matches(TOPICS.motionAlarm))
  t.notOk(f.matches('tnsaxis:RadarSource/MotionAlarm'))
  t.notOk(f.matches(TOPICS.motionAlarm + '/More'))
  t.notOk(f.matches(TOPICS.pairingState))
})

t.test('`//` at the end matches the node and its whole subtree', async (t) => {
  const f = compileTopicFilter(['tnsaxis:RadarSource//'])
  t.ok(f.matches(TOPICS.motionAlarm))
  t.ok(f.matches('tnsaxis:RadarSource'))
  t.ok(f.matches('tnsaxis:RadarSource/MotionAlarm'))
  t.notOk(f.matches('tnsaxis:RadarSourceX/MotionAlarm'), 'whole nodes only')
  t.notOk(f.matches(TOPICS.radarFailure))
  const deep = compileTopicFilter(['tnsaxis:RadarSource/MotionAlarm//'])
  t.ok(deep.matches(TOPICS.motionAlarm))
  t.notOk(deep.matches('tnsaxis:RadarSource/Other/Channel1ProfileANY'))
})

t.test('`//.` (WS-Topics spelling) is the same as `//`', async (t) => {
  const f = compileTopicFilter(['tns1:Device//.'])
  t.ok(f.matches(TOPICS.radarFailure))
  t.notOk(f.matches(TOPICS.motionAlarm))
})

t.test('`|` joins alternatives; several list entries are alternatives too', async (t) => {
  const f = compileTopicFilter(['tnsaxis:NetworkRadarPairing/State|tns1:Device/tnsaxis:HardwareFailure//'])
  t.ok(f.matches(TOPICS.pairingState))
  t.ok(f.matches(TOPICS.radarFailure))
  t.notOk(f.matches(TOPICS.motionAlarm))
  const g = compileTopicFilter([TOPICS.pairingState, ' tnsaxis:RadarSource// '])
  t.ok(g.matches(TOPICS.pairingState))
  t.ok(g.matches(TOPICS.motionAlarm), 'alternatives are trimmed')
  t.notOk(g.matches(TOPICS.radarFailure))
})

t.test('namespace prefixes are compared as written, case-sensitively', async (t) => {
  const f = compileTopicFilter(['onvif:Device//'])
  t.notOk(f.matches(TOPICS.radarFailure))
  t.notOk(compileTopicFilter(['tns1:device//']).matches(TOPICS.radarFailure))
  t.notOk(compileTopicFilter(['tns1:Device/HardwareFailure//']).matches(TOPICS.radarFailure), 'the inner prefix counts too')
})

t.test('a `*` node matches any one node', async (t) => {
  const f = compileTopicFilter(['tns1:Device/*/RadarFailure'])
  t.ok(f.matches(TOPICS.radarFailure))
  t.notOk(f.matches('tns1:Device/RadarFailure'))
})

t.test('an empty list matches nothing', async (t) => {
  t.notOk(compileTopicFilter([]).matches(TOPICS.motionAlarm))
})

t.test('malformed filters are refused', async (t) => {
  for (const bad of ['', '|', 'a||b', '//', 'a/', '/a', 'a//b', 'tns1:Device//x', 'a b', 'tns1::x', '1abc', 'a/'.repeat(20) + 'a', 'x'.repeat(1025)]) {
    t.throws(() => compileTopicFilter([bad]), TopicFilterError, JSON.stringify(bad.slice(0, 40)))
  }
  t.throws(() => compileTopicFilter([Array.from({ length: 40 }, () => 'a').join('|')]), TopicFilterError, 'too many alternatives')
  t.throws(() => compileTopicFilter([1 as unknown as string]), TopicFilterError)
})

t.test('answers stay right after the memo fills', async (t) => {
  const f = compileTopicFilter(['a//'])
  for (let i = 0; i < 300; i++) t.equal(f.matches(`${i % 2 === 0 ? 'a' : 'b'}/t${i}`), i % 2 === 0)
  t.ok(f.matches('a/t1'))
  t.notOk(f.matches('b/t0'))
})
