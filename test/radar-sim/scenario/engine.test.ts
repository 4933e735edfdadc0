import t from 'tap'
import { fileURLToPath } from 'node:url'
import { createScene, loopSeconds, radarProperties } from '../../../src/radar-sim/scenario/engine.js'
import { loadScenario, parseScenario } from '../../../src/radar-sim/scenario/load.js'
import type { Scenario } from '../../../src/radar-sim/scenario/schema.js'
import { formatUtcTime, writeFrame } from '../../../src/onvif/write.js'
import { readFrame } from '../../../src/onvif/read.js'
import type { RadarFrame } from '../../../src/onvif/model.js'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/scenarios/', import.meta.url))
const T0 = Date.UTC(2024, 0, 1)

/** A standing target at (x, y). */
const at = (x: number, y: number, extra: object = {}): object =>
  ({ class: 'Human', motion: { type: 'constant', start: { x, y }, velocity: { vx: 0, vy: 0 } }, ...extra })

/** Frames at 10 Hz: the first at t = 0. */
function run (s: Scenario, seed: number, frames: number, stepMs = 100): RadarFrame[] {
  const scene = createScene(s, seed)
  const out: RadarFrame[] = []
  for (let i = 0; i < frames; i++) out.push(scene.next(i === 0 ? 0 : stepMs, formatUtcTime(T0 + i * stepMs)))
  return out
}

const xmlOf = (frames: RadarFrame[]): string[] => frames.map(writeFrame)

t.test('determinism: same seed → identical XML, different seed → different', async (t) => {
  for (const name of ['default', 'crowd']) {
    const s = await loadScenario(`${FIXTURES}${name}.yaml`)
    const a = xmlOf(run(s, 42, 200))
    const b = xmlOf(run(s, 42, 200))
    t.strictSame(a, b, `${name}: seed 42 twice`)
    const c = xmlOf(run(s, 43, 200))
    t.not(a.join(''), c.join(''), `${name}: seed 43 differs`)
    t.ok(a.some((x) => x.includes('<tt:Object ')), `${name}: frames have objects`)
  }
  // a scenario without randomness does not depend on the seed
  const fifty = await loadScenario(`${FIXTURES}fifty-tracks.yaml`)
  t.strictSame(xmlOf(run(fifty, 1, 50)), xmlOf(run(fifty, 2, 50)))
  // the scenario's own seed is the default
  const seeded = parseScenario({ name: 's', seed: 9, clutter: { rate: 5 } })
  t.strictSame(xmlOf(run(seeded, 9, 50)), writeAll(createScene(seeded), 50))
})

function writeAll (scene: ReturnType<typeof createScene>, n: number): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(writeFrame(scene.next(i === 0 ? 0 : 100, formatUtcTime(T0 + i * 100))))
  return out
}

t.test('only targets inside range and angle limits are reported; the limits are inclusive', async (t) => {
  const targets: Array<[string, number, number, boolean]> = [
    ['behind', 0, -20, false],
    ['beyond max range', 0, 100.01, false],
    ['at max range', 0, 100, true],
    ['at min range', 0, 10, true],
    ['inside min range', 0, 9.99, false],
    ['at +30°', 50 * Math.sin(Math.PI / 6), 50 * Math.cos(Math.PI / 6), true],
    ['at −30°', -50 * Math.sin(Math.PI / 6), 50 * Math.cos(Math.PI / 6), true],
    ['at +30.1°', 50 * Math.sin(30.1 / 180 * Math.PI), 50 * Math.cos(30.1 / 180 * Math.PI), false],
    ['at −30.1°', -50 * Math.sin(30.1 / 180 * Math.PI), 50 * Math.cos(30.1 / 180 * Math.PI), false],
    ['far to the side', 80, 10, false],
    ['in view', 5, 50, true]
  ]
  const s = parseScenario({ name: 'fov', targets: targets.map(([, x, y], i) => at(x, y, { id: 100 + i })) })
  const [f] = run(s, 1, 1)
  const seen = new Set(f.objects.map((o) => Number(o.id) - 100))
  targets.forEach(([what, , , visible], i) => t.equal(seen.has(i), visible, what))
  const max = f.objects.find((o) => o.id === '102')
  t.equal(max?.range, 100)
  t.equal(f.objects.find((o) => o.id === '105')?.angle.toFixed(9), '30.000000000')
})

t.test('values of a reported object', async (t) => {
  const s = parseScenario({
    name: 'one',
    site: { latitude: 0, longitude: 0, heading: 0 },
    targets: [{ class: 'Human', likelihood: 0.8, motion: { type: 'constant', start: { x: 24, y: 70 }, velocity: { vx: 3, vy: -4 } } }]
  })
  const [o] = run(s, 1, 1)[0].objects
  t.equal(o.id, '1')
  t.equal(o.class, 'Human')
  t.equal(o.likelihood, 0.8)
  t.equal(o.range, 74)
  t.equal(o.distance, 74)
  t.equal(o.elevation, 0)
  t.equal(o.angle.toFixed(4), '18.9246')
  t.equal(o.azimuth.toFixed(4), (90 - 18.9246).toFixed(4))
  t.equal(o.speed, 5)
  t.equal(o.velocityAngle.toFixed(4), '143.1301', 'clockwise from straight ahead')
  t.equal(o.direction.toFixed(4), '306.8699', 'yaw = 90 − velocity angle')
  t.equal(o.size, 0.5, 'Human default size')
  // view: x/maxR, 2y/maxR − 1; 0.5 m footprint
  t.equal(o.centerOfGravity.x, 0.24)
  t.equal(o.centerOfGravity.y.toFixed(9), '0.400000000')
  t.equal(o.box.left.toFixed(6), '0.237500')
  t.equal(o.box.right.toFixed(6), '0.242500')
  t.equal(o.box.bottom.toFixed(6), '0.395000')
  t.equal(o.box.top.toFixed(6), '0.405000')
  t.ok(o.box.top >= o.box.bottom, 'y up')
  t.strictSame(o.polygon, [
    { x: o.box.left, y: o.box.bottom }, { x: o.box.right, y: o.box.bottom },
    { x: o.box.right, y: o.box.top }, { x: o.box.left, y: o.box.top }
  ])
  t.equal(o.geo?.lat.toFixed(7), (70 / 111320).toFixed(7))
  t.equal(o.geo?.lon.toFixed(7), (24 / 111320).toFixed(7))

  // the spec example's relations: angle 23.91 → azimuth 66.09; velocity angle 343.60 → yaw 106.4
  const a = 23.91 / 180 * Math.PI
  const v = 343.6 / 180 * Math.PI
  const ex = parseScenario({
    name: 'ex',
    radar: { minDetectionRange: 1 },
    targets: [{ class: 'Vehicle', motion: { type: 'constant', start: { x: 14.49 * Math.sin(a), y: 14.49 * Math.cos(a) }, velocity: { vx: 1.05 * Math.sin(v), vy: 1.05 * Math.cos(v) } } }]
  })
  const xml = writeFrame(run(ex, 1, 1)[0])
  t.match(xml, '<axrt:PolarCoordinate angle="23.91" range="14.49"/><axrt:Velocity m-s="1.05" angle="343.60"/>')
  t.match(xml, 'AzimuthAngle="66.09"')
  t.match(xml, '<tt:Direction yaw="106.40"')
  t.match(xml, '<tt:Type Likelihood="0.90">Vehicle</tt:Type>')
  // heading: a radar looking east puts "ahead" on +longitude
  const east = parseScenario({ name: 'e', site: { latitude: 0, longitude: 10, heading: 90 }, targets: [at(0, 50)] })
  const g = run(east, 1, 1)[0].objects[0].geo
  t.equal(g?.lat.toFixed(7), '0.0000000')
  t.equal(g?.lon.toFixed(7), (10 + 50 / 111320).toFixed(7))
})

t.test('waypoint motion and vanishing at the end of a one-way path', async (t) => {
  const s = parseScenario({ name: 'w', targets: [{ class: 'Human', motion: { type: 'waypoints', points: [{ x: -10, y: 20 }, { x: 10, y: 20 }], speed: 2 } }] })
  t.equal(loopSeconds(s), 10, 'loops when the last target is gone')
  const frames = run(s, 1, 100)
  t.equal(frames[50].objects[0].centerOfGravity.x.toFixed(6), '0.000000', 'middle of the path after 5 s')
  t.equal(frames[50].objects[0].velocityAngle, 90, 'moving right')
  t.equal(frames[25].objects[0].range.toFixed(3), Math.hypot(-5, 20).toFixed(3))
  t.equal(frames[99].objects.length, 1)
  const looping = parseScenario({ name: 'w', targets: [{ class: 'Human', motion: { type: 'waypoints', loop: true, points: [{ x: -10, y: 20 }, { x: 10, y: 20 }], speed: [2, 4] } }] })
  t.equal(loopSeconds(looping), undefined)
  const lf = run(looping, 1, 160)
  t.equal(lf[125].objects[0].centerOfGravity.x.toFixed(6), '0.000000', 'half way back after 10 + 2.5 s')
  t.equal(lf[150].objects[0].centerOfGravity.x.toFixed(6), '-0.100000', 'at the start again after 15 s')
  t.equal(lf[125].objects[0].speed, 4)
  t.equal(lf[125].objects[0].velocityAngle, 270, 'moving left')
})

t.test('maxRadarObjects keeps the nearest', async (t) => {
  const s = parseScenario({
    name: 'cap',
    radar: { maxRadarObjects: 3 },
    targets: [at(0, 60, { id: 60 }), at(0, 20, { id: 20 }), at(0, 80, { id: 80 }), at(0, 40, { id: 40 }), at(0, 30, { id: 30 })]
  })
  const [f] = run(s, 1, 1)
  t.strictSame(f.objects.map((o) => o.id), ['20', '30', '40'], 'nearest three, nearest first')
  const crowd = await loadScenario(`${FIXTURES}crowd.yaml`)
  const frames = run(crowd, 5, 300)
  t.ok(frames.every((fr) => fr.objects.length === 50), 'crowd: all 50 in every frame')
  t.ok(frames.every((fr) => fr.objects.every((o) => o.range >= 10 && o.range <= 100 && Math.abs(o.angle) <= 30)), 'crowd: all inside the field of view')
  const capped = run({ ...crowd, radar: { ...crowd.radar, maxRadarObjects: 20 } }, 5, 10)
  t.ok(capped.every((fr) => fr.objects.length === 20), 'crowd with a cap of 20')
  const fifty = run(await loadScenario(`${FIXTURES}fifty-tracks.yaml`), 1, 600)
  t.ok(fifty.every((fr) => fr.objects.length === 50), 'fifty-tracks: 50 in every frame for 60 s')
})

t.test('ids: stable while visible, new after reappearing', async (t) => {
  // 90 → 110 → 90 at 10 m/s, a 4 s cycle: in view (y ≤ 100) for 2 s around y = 90, out of range for 2 s
  // (the first stretch is 1 s: the target starts at y = 90)
  const s = parseScenario({
    name: 'blink',
    targets: [{ id: 7, class: 'Vehicle', motion: { type: 'waypoints', loop: true, points: [{ x: 0, y: 90 }, { x: 0, y: 110 }], speed: 10 } }]
  })
  const frames = run(s, 1, 120)
  const ids = frames.map((f) => f.objects[0]?.id)
  const stretches: Array<{ id: string, frames: number }> = []
  let prev: string | undefined
  for (const id of ids) {
    if (id !== undefined && id !== prev) stretches.push({ id, frames: 0 })
    if (id !== undefined) {
      const last = stretches[stretches.length - 1]
      t.equal(id, last.id)
      last.frames++
    }
    prev = id
  }
  t.ok(ids.some((id) => id === undefined), 'leaves the view')
  t.equal(stretches[0].id, '7', 'first track uses the scenario id')
  t.ok(stretches.length >= 3, `reappears (${stretches.length} tracks)`)
  t.equal(new Set(stretches.map((x) => x.id)).size, stretches.length, 'every reappearance is a new id')
  t.ok(stretches[0].frames >= 10, `first stretch 1 s (${stretches[0].frames} frames)`)
  t.ok(stretches.slice(1, -1).every((x) => x.frames >= 19), 'ids stable over each whole visible stretch (2 s)')

  // a scene loop ends the track even if the target is in view on both sides
  const loop = parseScenario({ name: 'loop', durationSeconds: 2, targets: [{ class: 'Human', motion: { type: 'constant', start: { x: 0, y: 20 }, velocity: { vx: 0, vy: 1 } } }] })
  const lf = run(loop, 1, 41)
  t.equal(lf[19].objects[0].range.toFixed(2), '21.90')
  t.equal(lf[20].objects[0].range.toFixed(2), '20.00', 'restarted')
  t.equal(lf[0].objects[0].id, lf[19].objects[0].id)
  t.not(lf[20].objects[0].id, lf[19].objects[0].id, 'new id after the loop')
  t.not(lf[40].objects[0].id, lf[20].objects[0].id)

  // appear / vanish
  const av = parseScenario({ name: 'av', targets: [at(0, 30, { appear: 1, vanish: 2 })] })
  t.equal(loopSeconds(av), 2)
  const avf = run(av, 1, 25)
  t.equal(avf[9].objects.length, 0)
  t.equal(avf[10].objects.length, 1)
  t.equal(avf[19].objects.length, 1)
  t.equal(avf[20].objects.length, 0, 'gone at vanish (and the scene loops to 0)')
})

t.test('empty frames when nothing is seen', async (t) => {
  const empty = await loadScenario(`${FIXTURES}empty.yaml`)
  const frames = run(empty, 1, 20)
  t.ok(frames.every((f) => f.objects.length === 0))
  t.equal(writeFrame(frames[3]), `<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema"><tt:VideoAnalytics><tt:Frame UtcTime="${formatUtcTime(T0 + 300)}"/></tt:VideoAnalytics></tt:MetadataStream>`)
  const outOfView = parseScenario({ name: 'o', targets: [at(0, -5), at(0, 200)] })
  t.ok(run(outOfView, 1, 5).every((f) => f.objects.length === 0))
})

t.test('clutter: short-lived Unknown detections in view, driven by the seed', async (t) => {
  const s = parseScenario({ name: 'c', clutter: { rate: 20, lifetimeSeconds: 0.3 } })
  const frames = run(s, 3, 200)
  const life = new Map<string, number>()
  const all = frames.flatMap((f) => f.objects)
  t.ok(all.every((o) => o.class === 'Unknown'), 'class Unknown')
  t.ok(all.every((o) => o.range >= 10 && o.range <= 100 && Math.abs(o.angle) <= 30), 'in view')
  t.ok(all.every((o) => o.speed === 0), 'standing')
  for (const o of all) life.set(o.id, (life.get(o.id) ?? 0) + 1)
  t.ok(life.size > 100, `many detections (${life.size})`)
  t.ok([...life.values()].every((n) => n <= 3), 'each lives at most 0.3 s (3 frames)')
  const total = frames.reduce((n, f) => n + f.objects.length, 0)
  t.ok(total > 0.5 * 20 * 20 * 3 * 0.5, `about rate × lifetime per frame on average (${total / 200})`)
})

t.test('random walks stay within rectangle bounds', async (t) => {
  const s = parseScenario({
    name: 'rw',
    targets: [{ class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 40 }, speed: 3, turnRate: 120, bounds: { xMin: -5, xMax: 5, yMin: 35, yMax: 45 } } }]
  })
  const frames = run(s, 11, 600)
  const xs = frames.map((f) => f.objects[0].centerOfGravity.x * 100)
  const ys = frames.map((f) => (f.objects[0].centerOfGravity.y + 1) * 50)
  t.ok(xs.every((x) => x >= -5 - 1e-9 && x <= 5 + 1e-9) && ys.every((y) => y >= 35 - 1e-9 && y <= 45 + 1e-9), 'inside the rectangle')
  t.ok(Math.max(...xs) - Math.min(...xs) > 5, 'and it does move around')
})

t.test('stepping: dt validation, big steps, frames survive the wire format', async (t) => {
  const s = await loadScenario(`${FIXTURES}default.yaml`)
  const scene = createScene(s, 1)
  t.throws(() => scene.next(-1, 'x'), RangeError)
  t.throws(() => scene.next(NaN, 'x'), RangeError)
  scene.next(0, 'x')
  const f = scene.next(3_600_000, formatUtcTime(T0 + 3_600_000))
  t.equal(scene.timeMs, 3_600_000)
  t.equal(scene.loopSeconds, 60)
  t.strictSame(readFrame(writeFrame(f)).objects.map((o) => o.id), f.objects.map((o) => o.id))
  t.strictSame(radarProperties(s, true), { ...s.radar, networkPaired: true })
})
