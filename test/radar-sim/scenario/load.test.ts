import t from 'tap'
import { fileURLToPath } from 'node:url'
import { writeFile } from 'node:fs/promises'
import { loadScenario, parseScenario, parseScenarioText, ScenarioError } from '../../../src/radar-sim/scenario/load.js'

const FIXTURES = fileURLToPath(new URL('../../../fixtures/scenarios/', import.meta.url))
type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const walker = { class: 'Human', motion: { type: 'waypoints', points: [{ x: 0, y: 20 }, { x: 5, y: 30 }], speed: 1.4 } }

function issues (t: Test, doc: unknown, source = 'test.yaml'): string[] {
  try {
    parseScenario(doc, source)
  } catch (e) {
    if (e instanceof ScenarioError) {
      t.match(e.message, source, 'message names the file')
      t.equal(e.source, source)
      return e.issues
    }
    throw e
  }
  t.fail('expected a ScenarioError')
  return []
}

t.test('defaults from radar-link.md §2 are applied', async (t) => {
  const input = { name: 'minimal' }
  const s = parseScenario(input, 'minimal.yaml')
  t.strictSame(s.radar, {
    device: 'D2210-VE',
    minDetectionRange: 10,
    maxDetectionRange: 100,
    minHorizontalAngle: -30,
    maxHorizontalAngle: 30,
    minVerticalAngle: -20,
    maxVerticalAngle: 20,
    maxRadarObjects: 50,
    maxObjectSpeed: 120.5
  })
  t.strictSame(s.targets, [])
  t.strictSame(s.noise, { position: 0, likelihood: 0 })
  t.strictSame(s.site, { latitude: 0, longitude: 0, heading: 0 })
  t.equal(s.durationSeconds, undefined)
  t.strictSame(input, { name: 'minimal' }, 'input not modified')
  const w = parseScenario({ name: 'x', targets: [walker, { class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 50 }, speed: 1 } }] })
  t.equal(w.targets[0].appear, 0)
  t.match(w.targets[0].motion, { loop: false })
  t.match(w.targets[1].motion, { turnRate: 45, bounds: 'field-of-view' })
  t.equal(parseScenario({ name: 'x', radar: { maxRadarObjects: 10 } }).radar.maxDetectionRange, 100, 'partial radar section keeps other defaults')
})

t.test('schema errors name the field path', async (t) => {
  const bad = {
    name: 'bad',
    radar: { maxRadarObjects: 2.5, colour: 'red' },
    targets: [
      walker,
      { class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 50 }, speed: 'fast' } },
      { class: 'Human', motion: { type: 'waypoints', points: [{ x: 0, y: 20 }, { x: 5, y: 30 }], speed: 'fast' } },
      { class: 'Dog', motion: { type: 'teleport' } },
      { class: 'Vehicle', motion: { type: 'constant', start: { x: 0 }, velocity: { vx: 1, vy: 0 } } },
      { class: 'Human', motion: { type: 'waypoints', points: [{ x: 0, y: 20 }], speed: -1 } },
      { class: 'Human', likelihood: 1.5, motion: { type: 'constant', start: { x: 0, y: 20 }, velocity: { vx: 1, vy: 0 } } }
    ]
  }
  const got = issues(t, bad)
  t.strictSame(got, [
    'radar/colour: Unexpected property',
    'radar/maxRadarObjects: Expected integer',
    'targets/1/motion/speed: Expected number',
    'targets/2/motion/speed: Expected a number ≥ 0 or an array of numbers ≥ 0 (m/s)',
    'targets/3/class: Expected one of "Human", "Vehicle", "Unknown", "SmallObject"',
    "targets/3/motion/type: Expected one of 'waypoints', 'constant', 'random-walk'",
    'targets/4/motion/start/y: Expected required property',
    'targets/5/motion/points: Expected array length to be greater or equal to 2',
    'targets/5/motion/speed: Expected a number ≥ 0 or an array of numbers ≥ 0 (m/s)',
    'targets/6/likelihood: Expected number to be less or equal to 1'
  ])
  t.strictSame(issues(t, { targets: [] }), ['name: Expected required property'])
  t.strictSame(issues(t, [1, 2]), ['(root): Expected an object (a mapping)'])
  t.strictSame(issues(t, { name: 'x', targets: [{ ...walker, motion: { ...walker.motion, speed: -2 } }] }),
    ['targets/0/motion/speed: Expected a number ≥ 0 or an array of numbers ≥ 0 (m/s)'])
  t.strictSame(issues(t, { name: 'x', targets: [{ class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 50 }, speed: -1 } }] }),
    ['targets/0/motion/speed: Expected number to be greater or equal to 0'])
})

t.test('semantic checks', async (t) => {
  const wp = (extra: object): object => ({ ...walker, motion: { ...walker.motion, ...extra } })
  t.strictSame(issues(t, { name: 'x', targets: [{ ...walker, appear: 5, vanish: 5 }] }), ['targets/0/vanish: must be greater than appear (5)'])
  t.strictSame(issues(t, { name: 'x', targets: [wp({ speed: [1, 2] })] }), ['targets/0/motion/speed: 2 speeds given for 1 segments (2 points)'])
  t.strictSame(issues(t, { name: 'x', targets: [wp({ speed: [1], loop: true })] }), ['targets/0/motion/speed: 1 speeds given for 2 segments (2 points, looping)'])
  t.equal(parseScenario({ name: 'x', targets: [wp({ speed: [1, 2], loop: true })] }).targets.length, 1, 'looping: one speed per point')
  t.strictSame(issues(t, { name: 'x', targets: [wp({ speed: 0 })] }), ['targets/0/motion/speed: must not be 0 everywhere'])
  t.strictSame(issues(t, { name: 'x', targets: [wp({ speed: 40 })] }), ['targets/0/motion/speed: 40 m/s (144.0 km/h) exceeds radar.maxObjectSpeed 120.5 km/h'])
  t.strictSame(issues(t, { name: 'x', targets: [{ class: 'Vehicle', motion: { type: 'constant', start: { x: 0, y: 0 }, velocity: { vx: 30, vy: 30 } } }] }),
    ['targets/0/motion/velocity: 42.426 m/s (152.7 km/h) exceeds radar.maxObjectSpeed 120.5 km/h'])
  t.equal(parseScenario({ name: 'x', radar: { maxObjectSpeed: 200 }, targets: [{ class: 'Vehicle', motion: { type: 'constant', start: { x: 0, y: 0 }, velocity: { vx: 30, vy: 30 } } }] }).targets.length,
    1, 'allowed by a faster radar')
  t.strictSame(issues(t, { name: 'x', radar: { minDetectionRange: 50, maxDetectionRange: 40, minHorizontalAngle: 10, maxHorizontalAngle: -10 } }), [
    'radar/maxDetectionRange: must be greater than minDetectionRange',
    'radar/maxHorizontalAngle: must be greater than minHorizontalAngle'
  ])
  t.strictSame(issues(t, { name: 'x', targets: [{ ...walker, id: 7 }, { ...walker, id: 7 }] }), ['targets/1/id: 7 is already used by targets/0'])
  t.strictSame(issues(t, { name: 'x', targets: [{ class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 5 }, speed: 1 } }] }),
    ["targets/0/motion/start: (0, 5) is outside the radar's field of view (bounds: 'field-of-view')"])
  t.strictSame(issues(t, { name: 'x', targets: [{ class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 5 }, speed: 1, bounds: { xMin: -1, xMax: 1, yMin: 10, yMax: 20 } } }] }),
    ['targets/0/motion/start: (0, 5) is outside bounds'])
  t.strictSame(issues(t, { name: 'x', targets: [{ class: 'Human', motion: { type: 'random-walk', start: { x: 0, y: 5 }, speed: 1, bounds: { xMin: 1, xMax: -1, yMin: 0, yMax: 20 } } }] }),
    ['targets/0/motion/bounds: xMin must be less than xMax'])
  t.strictSame(issues(t, { name: 'x', durationSeconds: 10, targets: [{ ...walker, appear: 12 }] }),
    ['targets/0/appear: 12 s is not before durationSeconds (10 s): the target would never appear'])
})

t.test('text and files: JSON and YAML by extension, errors name the file', async (t) => {
  t.equal(parseScenarioText('{"name": "j"}', 'a.json', 'json').name, 'j')
  t.equal(parseScenarioText('name: y\n', 'a.yaml', 'yaml').name, 'y')
  t.throws(() => parseScenarioText('{"name": ', 'broken.json', 'json'), { name: 'ScenarioError', message: /^broken\.json: not valid JSON/ })
  t.throws(() => parseScenarioText('name: [', 'broken.yaml', 'yaml'), { name: 'ScenarioError', message: /^broken\.yaml: not valid YAML/ })
  const dir = t.testdir({
    'ok.json': JSON.stringify({ name: 'from-json', targets: [walker] }),
    'ok.yml': 'name: from-yml\n',
    'bad.yaml': 'name: bad\ntargets:\n  - class: Human\n    motion: { type: waypoints, points: [{ x: 0, y: 20 }, { x: 1, y: 30 }], speed: fast }\n',
    'scenario.txt': 'name: x'
  })
  t.equal((await loadScenario(`${dir}/ok.json`)).targets.length, 1)
  t.equal((await loadScenario(`${dir}/ok.yml`)).name, 'from-yml')
  await t.rejects(loadScenario(`${dir}/bad.yaml`), { name: 'ScenarioError', message: `${dir}/bad.yaml: targets/0/motion/speed: Expected a number ≥ 0 or an array of numbers ≥ 0 (m/s)` })
  await t.rejects(loadScenario(`${dir}/scenario.txt`), { message: /unknown scenario file type "\.txt"/ })
  await t.rejects(loadScenario(`${dir}/missing.yaml`), { name: 'ScenarioError', message: /missing\.yaml: cannot read/ })
})

t.test('a file is parsed once while its text is unchanged; the scenario is read-only', async (t) => {
  const dir = t.testdir({ 'a.yaml': 'name: first\n' })
  const one = await loadScenario(`${dir}/a.yaml`)
  t.equal(await loadScenario(`${dir}/a.yaml`), one, 'the same file gives the same parsed scenario')
  t.ok(Object.isFrozen(one) && Object.isFrozen(one.radar), 'deep-frozen')
  t.throws(() => { (one as { name: string }).name = 'changed' }, TypeError)
  await writeFile(`${dir}/a.yaml`, 'name: second\n')
  const two = await loadScenario(`${dir}/a.yaml`)
  t.not(two, one)
  t.equal(two.name, 'second', 'an edited file is parsed again')
  await writeFile(`${dir}/a.yaml`, 'name: [\n')
  await t.rejects(loadScenario(`${dir}/a.yaml`), { name: 'ScenarioError', message: /not valid YAML/ }, 'and its errors are reported, not hidden by the earlier parse')
})

t.test('every fixture loads', async (t) => {
  const expected: Record<string, number> = { default: 6, empty: 0, crowd: 50, 'fast-vehicles': 5, 'fifty-tracks': 50 }
  for (const [name, targets] of Object.entries(expected)) {
    const s = await loadScenario(`${FIXTURES}${name}.yaml`)
    t.equal(s.name, name)
    t.equal(s.targets.length, targets, `${name}: ${targets} targets`)
    t.equal(s.radar.maxRadarObjects, 50)
  }
})
