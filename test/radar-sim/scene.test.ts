import t from 'tap'
import { resolve } from 'node:path'
import { FIXTURE_DIR, loadScenarioScene, scenarioPath } from '../../src/radar-sim/scene.js'
import { startRadarSimulator } from '../../src/radar-sim/radar.js'
import { DigestClient } from '../../src/vapix/digest.js'
import { parseSessionHeader } from '../../src/rtsp/message.js'
import { decodeRtp, Reassembler } from '../../src/rtsp/rtp.js'
import { readFrame } from '../../src/onvif/read.js'
import type { FrameStream } from '../../src/radar-sim/rtsp-server.js'
import { MEDIA_QUERY, TestRtspClient, jsonCall } from './helpers.js'

t.test('scenario names and paths', async (t) => {
  t.equal(scenarioPath('crowd'), resolve(FIXTURE_DIR, 'crowd.yaml'))
  t.equal(scenarioPath('fixtures/scenarios/empty.yaml'), resolve(FIXTURE_DIR, 'empty.yaml'))
  t.equal(scenarioPath('/abs/x.yaml'), '/abs/x.yaml')
  t.equal(scenarioPath('x.yaml'), resolve('x.yaml'))
  await t.rejects(loadScenarioScene('no-such-fixture', 1, 10), /no-such-fixture\.yaml: cannot read/)
})

t.test('every fixture loads and plays; the same seed gives the same frames', async (t) => {
  for (const name of ['default', 'empty', 'crowd', 'fast-vehicles', 'fifty-tracks']) {
    const scene = await loadScenarioScene(name, 5, 10)
    t.equal(scene.properties.device.length > 0, true, `${name}: properties`)
    t.notOk('networkPaired' in scene.properties)
    const open = (): FrameStream => ('open' in scene.source ? scene.source.open() : scene.source)
    const a = open()
    const b = open()
    const framesA = Array.from({ length: 100 }, (_, i) => JSON.stringify(a.objectsAt(i)))
    const framesB = Array.from({ length: 100 }, (_, i) => JSON.stringify(b.objectsAt(i)))
    t.same(framesA, framesB, `${name}: two streams agree`)
    // Skipping frames lands on the same scene time.
    const c = open()
    c.objectsAt(0)
    const jump = JSON.stringify(c.objectsAt(50))
    t.ok(jump.length > 0)
    if (name === 'empty') t.ok(framesA.every((f) => f === '[]'), 'empty stays empty')
    if (name === 'fifty-tracks') t.ok(framesA.some((f) => JSON.parse(f).length >= 40), 'many objects')
  }
  const seeded = await loadScenarioScene('default', 1, 10, false)
  t.type(seeded.seed, 'number', 'the scenario seed (or 1) when none is given')
})

t.test('the simulator plays a fixture by default; setScenario restarts the scene for open sessions', async (t) => {
  const r = await startRadarSimulator({ scenario: 'fifty-tracks', rate: 50, seed: 3 })
  t.teardown(() => r.close())
  const props = await jsonCall(r.httpPort, '/properties.cgi', { apiVersion: '1.0', method: 'getRadarProperties' })
  t.equal(props.json.data.device, 'D2210-VE')
  const c = await TestRtspClient.connect(r.rtspPort)
  t.teardown(() => c.close())
  c.digest = new DigestClient('root', 'radar')
  const base = `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp/`
  await c.request('DESCRIBE', `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`)
  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
  c.session = parseSessionHeader(s.headers.session)?.id
  await c.request('PLAY', base)
  const docs = (): string[] => {
    const re = new Reassembler()
    const out: string[] = []
    for (const f of c.frames) { const x = re.push(decodeRtp(f.payload)); if (x.type === 'document') out.push(x.payload.toString()) }
    return out
  }
  await c.until(() => docs().some((d) => readFrame(d).objects.length > 0), 10_000, 'objects')
  await r.setScenario('empty')
  const n = docs().length
  const emptyTail = (): boolean => docs().length > n + 5 && docs().slice(-5).every((d) => readFrame(d).objects.length === 0)
  await c.until(emptyTail, 5000, 'the empty scene after the switch')
  t.ok(emptyTail(), 'empty scene after the switch, on the same session')
  t.equal(r.status().scenario, 'empty')
  t.equal(r.status().seed, 3)
})
