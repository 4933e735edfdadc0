import t from 'tap'
import fc from 'fast-check'
import {
  toAdfBox, toAdfFrame, frameNotification, frameNotificationReference, radarViewOf, radarViewNotification, eventNotification,
  radarFailureMessage, motionAlarmMessage, TOPICS
} from '../../src/overlay/messages.js'
import { radarObject } from './ws-client.js'

t.test('boxes: ONVIF [-1, 1] y-up → ADF [0, 1] top-left y-down', async (t) => {
  t.same(toAdfBox({ left: -1, top: 1, right: 1, bottom: -1 }), { left: 0, top: 0, right: 1, bottom: 1 }, 'whole image')
  t.same(toAdfBox({ left: 0, top: 0, right: 0, bottom: 0 }), { left: 0.5, top: 0.5, right: 0.5, bottom: 0.5 }, 'centre')
  t.same(toAdfBox({ left: 0.1, top: 0.54, right: 0.13, bottom: 0.44 }), { left: 0.55, top: 0.23, right: 0.565, bottom: 0.28 }, 'the spec example')
  t.same(toAdfBox({ left: -1.5, top: 2, right: 3, bottom: -9 }), { left: 0, top: 0, right: 1, bottom: 1 }, 'clamped')
  t.same(toAdfBox({ left: 0.5, top: -0.5, right: -0.5, bottom: 0.5 }), { left: 0.25, top: 0.25, right: 0.75, bottom: 0.75 }, 'swapped edges put in order')
  t.same(toAdfBox({ left: Number.NaN, top: 0, right: 0, bottom: 0 }).left, 0, 'NaN → 0')
})

t.test('boxes: property — always inside [0, 1], ordered, and y flipped', async () => {
  const coord = fc.double({ min: -3, max: 3, noNaN: true })
  fc.assert(fc.property(coord, coord, coord, coord, (l, tp, r, b) => {
    const a = toAdfBox({ left: l, top: tp, right: r, bottom: b })
    for (const v of [a.left, a.top, a.right, a.bottom]) if (!(v >= 0 && v <= 1)) return false
    if (!(a.left <= a.right && a.top <= a.bottom)) return false
    // Inside the image, a higher ONVIF y is nearer the top.
    const inside = (v: number): boolean => v > -1 && v < 1
    if (inside(tp) && inside(b) && tp > b + 1e-5) return a.top < a.bottom
    return true
  }))
})

t.test('a frame becomes one ADF frame: observations, class, radar, DeleteOperation', async (t) => {
  const utcTime = '2026-11-25T17:00:00.100000Z'
  const frame = toAdfFrame({ utcTime, objects: [radarObject(), radarObject({ id: '89', class: 'Human', likelihood: 0.9, angle: -10, range: 30 })], ended: ['84', '85'] })
  t.equal(frame.timestamp, utcTime)
  t.same(frame.observations[0], {
    track_id: '88',
    timestamp: utcTime,
    bounding_box: { left: 0.55, top: 0.23, right: 0.565, bottom: 0.28 },
    class: { type: 'Vehicle', score: 0.75 },
    radar: { range: 14.49, azimuth: 23.91, speed: 1.05, direction: 343.6 }
  })
  t.same(frame.observations[1].class, { type: 'Human', score: 0.9 })
  t.same(frame.observations[1].radar, { range: 30, azimuth: -10, speed: 1.05, direction: 343.6 }, 'azimuth is the radar angle (0 ahead)')
  t.same(frame.operations, [{ id: '84', type: 'DeleteOperation' }, { id: '85', type: 'DeleteOperation' }])
  const empty = toAdfFrame({ utcTime, objects: [], ended: [] })
  t.same(empty, { timestamp: utcTime, observations: [], operations: [] })
})

t.test('the notification envelope', async (t) => {
  const text = frameNotification({ utcTime: '2026-11-25T17:00:00.100000Z', timeMs: 1795626000100, objects: [radarObject()], ended: [] })
  const msg = JSON.parse(text)
  t.equal(msg.apiVersion, '1.0')
  t.equal(msg.method, 'analytics-scene-description:notify')
  t.equal(msg.params.notification.timestamp, 1795626000100)
  t.same(msg.params.notification.message.source, { channel: '1' })
  t.equal(msg.params.notification.message.data.frame.observations[0].track_id, '88')

  const view = radarViewOf({ device: 'x', minDetectionRange: 1, maxDetectionRange: 60, minHorizontalAngle: -45, maxHorizontalAngle: 45, minVerticalAngle: 0, maxVerticalAngle: 0, maxRadarObjects: 100, maxObjectSpeed: 200, networkPaired: true })
  t.same(view, { minRange: 1, maxRange: 60, minAngle: -45, maxAngle: 45 })
  t.same(JSON.parse(radarViewNotification(view, 5)).params.notification, { timestamp: 5, message: { source: { channel: '1' }, data: { radarView: view } } })
  t.same(JSON.parse(radarViewNotification(null, 5)).params.notification.message.data, { radarView: null })
})

t.test('events: strings everywhere, epoch-ms timestamps', async (t) => {
  const msg = JSON.parse(eventNotification(TOPICS.motionAlarm, motionAlarmMessage(true), 1639385866198))
  t.same(msg, {
    apiVersion: '1.0',
    method: 'events:notify',
    params: { notification: { timestamp: 1639385866198, topic: TOPICS.motionAlarm, message: { source: {}, key: {}, data: { active: '1' } } } }
  })
  const failing = radarFailureMessage('transfer-failed')
  t.equal(failing.data.disruption, '1')
  t.equal(failing.data.reason, '0')
  t.match(failing.data.reasonstr, /No data/)
  t.same(radarFailureMessage('ok').data, { disruption: '0', reason: '0', reasonstr: '' })
  for (const m of [failing, radarFailureMessage('ok'), motionAlarmMessage(false)]) {
    for (const part of [m.source, m.key, m.data]) for (const v of Object.values(part)) t.type(v, 'string')
  }
})

t.test('the direct frame serialiser writes exactly what JSON.stringify of the ADF frame writes', async () => {
  const n = fc.oneof(fc.double(), fc.constantFrom(0, -0, 1e21, 1e-7, Number.NaN, Number.POSITIVE_INFINITY))
  const obj = fc.record({
    id: fc.string(), class: fc.constantFrom('Human', 'Vehicle', 'Unknown', 'SmallObject') as fc.Arbitrary<'Human'>,
    likelihood: n, range: n, angle: n, speed: n, direction: n,
    box: fc.record({ left: n, top: n, right: n, bottom: n })
  })
  fc.assert(fc.property(fc.array(obj, { maxLength: 5 }), fc.array(fc.string(), { maxLength: 3 }), fc.string(), fc.integer(), (objects, ended, utcTime, timeMs) => {
    const frame = { utcTime, timeMs, ended, objects: objects.map((o) => radarObject(o)) }
    return frameNotification(frame) === frameNotificationReference(frame)
  }), { numRuns: 500 })
})
