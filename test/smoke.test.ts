import t from 'tap'
import type { RadarFrame } from '../src/onvif/model.js'
t.test('toolchain runs TypeScript tests', async (t) => {
  const f: RadarFrame = { utcTime: 'x', objects: [] }
  t.equal(f.objects.length, 0)
})
