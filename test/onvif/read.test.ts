import t from 'tap'
import fc from 'fast-check'
import { MalformedFrameError, MAX_FRAME_BYTES, readFrame } from '../../src/onvif/read.js'
import { writeFrame } from '../../src/onvif/write.js'
import type { RadarClass, RadarFrame, RadarObject } from '../../src/onvif/model.js'

/** The frame document of radar-link.md §3, verbatim. */
const SPEC_EXAMPLE = `<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">
  <tt:VideoAnalytics>
    <tt:Frame UtcTime="2017-07-14T08:45:20.284189Z">
      <tt:Object ObjectId="88">
        <tt:Appearance>
          <tt:Shape>
            <tt:BoundingBox bottom="-0.438904" top="-0.458923" right="0.130005" left="0.109985"/>
            <tt:CenterOfGravity x="0.109985" y="-0.458923"/>
            <tt:Polygon>
              <tt:Point x="0.099976" y="-0.468933"/> <!-- four points -->
            </tt:Polygon>
          </tt:Shape>
          <tt:Class>
            <tt:ClassCandidate><tt:Type>Other</tt:Type><tt:Likelihood>0.80</tt:Likelihood></tt:ClassCandidate>
            <tt:Extension><tt:OtherTypes><tt:Type>Unknown</tt:Type><tt:Likelihood>1.0</tt:Likelihood></tt:OtherTypes></tt:Extension>
            <tt:Type Likelihood="0.75">Vehicle</tt:Type>
          </tt:Class>
          <tt:Extension>
            <axrt:RadarObjectInfo xmlns:axrt="http://www.axis.com/2017/radar/axrt">
              <axrt:PolarCoordinate angle="23.91" range="14.49"/>
              <axrt:Velocity m-s="1.05" angle="343.60"/>
              <axrt:Size m="0.00"/>
            </axrt:RadarObjectInfo>
          </tt:Extension>
          <tt:GeoLocation lon="0.0000528" lat="0.0001196" elevation="0"/>
          <tt:SphericalCoordinate Distance="14.49" ElevationAngle="0.0" AzimuthAngle="66.09"/>
          <tt:Behaviour><tt:Speed>1.05</tt:Speed><tt:Direction yaw="106.4" pitch="0"/></tt:Behaviour>
        </tt:Appearance>
      </tt:Object>
    </tt:Frame>
  </tt:VideoAnalytics>
</tt:MetadataStream>`

const SPEC_OBJECT: RadarObject = {
  id: '88',
  class: 'Vehicle',
  likelihood: 0.75,
  range: 14.49,
  angle: 23.91,
  distance: 14.49,
  elevation: 0,
  azimuth: 66.09,
  speed: 1.05,
  direction: 106.4,
  velocityAngle: 343.6,
  size: 0,
  box: { left: 0.109985, top: -0.458923, right: 0.130005, bottom: -0.438904 },
  centerOfGravity: { x: 0.109985, y: -0.458923 },
  polygon: [{ x: 0.099976, y: -0.468933 }],
  geo: { lon: 0.0000528, lat: 0.0001196, elevation: 0 }
}

t.test('the spec example parses to the expected values', async (t) => {
  const f = readFrame(SPEC_EXAMPLE)
  t.equal(f.utcTime, '2017-07-14T08:45:20.284189Z')
  t.equal(f.objects.length, 1)
  t.strictSame(f.objects[0], SPEC_OBJECT)
})

t.test('Buffer input, XML declaration, BOM', async (t) => {
  t.strictSame(readFrame(Buffer.from(SPEC_EXAMPLE)).objects[0], SPEC_OBJECT)
  t.strictSame(readFrame('\ufeff<?xml version="1.0" encoding="UTF-8"?>\n' + SPEC_EXAMPLE).objects[0], SPEC_OBJECT)
})

t.test('other namespace prefixes (and none) are accepted', async (t) => {
  const renamed = SPEC_EXAMPLE.replaceAll('tt:', 'onvif:').replaceAll('xmlns:tt=', 'xmlns:onvif=').replaceAll('axrt:', 'r:')
  t.strictSame(readFrame(renamed).objects[0], SPEC_OBJECT)
  const unprefixed = SPEC_EXAMPLE.replaceAll('tt:', '').replaceAll('xmlns:tt=', 'xmlns=').replaceAll('axrt:', '').replaceAll('xmlns:axrt=', 'xmlns=')
  t.strictSame(readFrame(unprefixed).objects[0], SPEC_OBJECT)
})

t.test('empty frames, and a frame with no objects', async (t) => {
  const empty = '<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema"><tt:VideoAnalytics><tt:Frame UtcTime="2024-01-01T00:00:00.000000Z"/></tt:VideoAnalytics></tt:MetadataStream>'
  t.strictSame(readFrame(empty), { utcTime: '2024-01-01T00:00:00.000000Z', objects: [] })
  const open = `<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema">
    <tt:VideoAnalytics>
      <tt:Frame UtcTime="2024-01-01T00:00:00.100000Z">
      </tt:Frame>
    </tt:VideoAnalytics>
  </tt:MetadataStream>`
  t.strictSame(readFrame(open), { utcTime: '2024-01-01T00:00:00.100000Z', objects: [] })
  // other ONVIF content next to the frame is ignored
  const withEvent = '<tt:MetadataStream xmlns:tt="x"><tt:Event><x a="1"/></tt:Event><tt:VideoAnalytics><tt:Frame UtcTime="t"/></tt:VideoAnalytics></tt:MetadataStream>'
  t.strictSame(readFrame(withEvent), { utcTime: 't', objects: [] })
})

function one (inner: string, id = '7'): string {
  return `<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame UtcTime="t"><tt:Object ObjectId="${id}"><tt:Appearance>${inner}</tt:Appearance></tt:Object></tt:Frame></tt:VideoAnalytics></tt:MetadataStream>`
}
const POLAR = '<tt:Extension><a:RadarObjectInfo xmlns:a="y"><a:PolarCoordinate angle="-10" range="20"/></a:RadarObjectInfo></tt:Extension>'

t.test('class forms', async (t) => {
  const cases: Array<[string, RadarClass, number]> = [
    ['<tt:Class><tt:Type Likelihood="0.9">Human</tt:Type></tt:Class>', 'Human', 0.9],
    ['<tt:Class><tt:ClassCandidate><tt:Type>Other</tt:Type><tt:Likelihood>0.4</tt:Likelihood></tt:ClassCandidate><tt:Extension><tt:OtherTypes><tt:Type>SmallObject</tt:Type><tt:Likelihood>1.0</tt:Likelihood></tt:OtherTypes></tt:Extension><tt:Type Likelihood="0.4">Other</tt:Type></tt:Class>', 'SmallObject', 0.4],
    ['<tt:Class><tt:ClassCandidate><tt:Type>Other</tt:Type><tt:Likelihood>0.3</tt:Likelihood></tt:ClassCandidate><tt:Extension><tt:OtherTypes><tt:Type>Unknown</tt:Type></tt:OtherTypes></tt:Extension></tt:Class>', 'Unknown', 0.3],
    ['<tt:Class><tt:ClassCandidate><tt:Type>Vehical</tt:Type><tt:Likelihood>0.6</tt:Likelihood></tt:ClassCandidate></tt:Class>', 'Vehicle', 0.6],
    ['<tt:Class><tt:Type Likelihood="0.5">Animal</tt:Type></tt:Class>', 'Unknown', 0.5],
    ['', 'Unknown', 1]
  ]
  for (const [cls, want, likelihood] of cases) {
    const o = readFrame(one(cls + POLAR)).objects[0]
    t.equal(o.class, want, cls)
    t.equal(o.likelihood, likelihood, cls)
  }
})

t.test('derived values when a radar sends less', async (t) => {
  const o = readFrame(one(POLAR)).objects[0]
  t.equal(o.range, 20)
  t.equal(o.angle, -10)
  t.equal(o.distance, 20)
  t.equal(o.azimuth, 100)
  t.equal(o.elevation, 0)
  t.equal(o.speed, 0)
  t.strictSame(o.box, { left: 0, top: 0, right: 0, bottom: 0 })
  t.strictSame(o.polygon, [])
  t.equal(o.geo, undefined)
  const s = readFrame(one('<tt:SphericalCoordinate Distance="30" AzimuthAngle="60"/><tt:Behaviour><tt:Speed><![CDATA[ 2.5 ]]></tt:Speed><tt:Direction yaw="180"/></tt:Behaviour>')).objects[0]
  t.equal(s.range, 30)
  t.equal(s.angle, 30)
  t.equal(s.speed, 2.5)
  t.equal(s.direction, 180)
  t.equal(s.velocityAngle, 270) // yaw 180 (towards −x, left) = 270° in the radar's clockwise-from-ahead convention
})

t.test('references are decoded, whitespace and comments tolerated', async (t) => {
  const f = readFrame(one(POLAR, 'a&amp;b&#x41;&#66;'))
  t.equal(f.objects[0].id, 'a&bAB')
  const spaced = `<tt:MetadataStream  xmlns:tt = 'x' >
    <!-- c --><tt:VideoAnalytics><tt:Frame
      UtcTime = "t" ><tt:Object ObjectId='5'><tt:Appearance>${POLAR}</tt:Appearance></tt:Object
    ></tt:Frame ></tt:VideoAnalytics></tt:MetadataStream>
  <!-- trailing comment -->`
  t.equal(readFrame(spaced).objects[0].id, '5')
})

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function malformed (t: Test, input: string | Buffer, reason: string, pattern: RegExp, name: string): void {
  try {
    readFrame(input)
    t.fail(`${name}: expected MalformedFrameError`)
  } catch (e) {
    if (!(e instanceof MalformedFrameError)) {
      t.fail(`${name}: expected MalformedFrameError, got ${String(e)}`)
      return
    }
    t.equal(e.reason, reason, `${name}: reason (${e.message})`)
    t.match(e.message, pattern, `${name}: message`)
  }
}

t.test('malformed inputs throw MalformedFrameError with a clear message', async (t) => {
  const ok = one(POLAR)
  malformed(t, '', 'not-xml', /empty/, 'empty')
  malformed(t, 'hello world', 'not-xml', /not XML/, 'plain text')
  malformed(t, '{"utcTime": "x"}', 'not-xml', /not XML/, 'JSON')
  malformed(t, '<tt:MetadataStream><tt:VideoAnalytics>', 'not-xml', /unclosed/, 'unclosed')
  malformed(t, ok.replace('</tt:Frame>', '</tt:Frme>'), 'not-xml', /does not match/, 'mismatched end tag')
  malformed(t, ok + '<x/>', 'not-xml', /second root/, 'two roots')
  malformed(t, ok + 'junk', 'not-xml', /text after/, 'text after root')
  malformed(t, ok.replace('ObjectId="7"', 'ObjectId=7'), 'not-xml', /start tag/, 'unquoted attribute')
  malformed(t, ok.replace('ObjectId="7"', 'ObjectId="<7"'), 'not-xml', /start tag/, '< in attribute')
  malformed(t, ok.replace('ObjectId="7"', 'ObjectId="&nbsp;"'), 'not-xml', /undefined entity/, 'undefined entity')
  malformed(t, '<tt:MetadataStream>' + '<b>'.repeat(100) + '</b>'.repeat(100) + '</tt:MetadataStream>', 'not-xml', /nested deeper/, 'deep nesting')
  malformed(t, '<foo/>', 'structure', /root element is <foo>/, 'not a MetadataStream')
  malformed(t, '<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics/></tt:MetadataStream>', 'structure', /no tt:Frame/, 'no frame')
  malformed(t, '<tt:MetadataStream xmlns:tt="x"><tt:Frame UtcTime="t"/></tt:MetadataStream>', 'structure', /no tt:Frame/, 'frame outside VideoAnalytics')
  malformed(t, '<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame/></tt:VideoAnalytics></tt:MetadataStream>', 'structure', /UtcTime/, 'no UtcTime')
  malformed(t, '<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame UtcTime="a"/><tt:Frame UtcTime="b"/></tt:VideoAnalytics></tt:MetadataStream>', 'structure', /more than one/, 'two frames')
  malformed(t, ok.replace(' ObjectId="7"', ''), 'structure', /no ObjectId/, 'missing ObjectId')
  malformed(t, ok.replace('ObjectId="7"', 'ObjectId=" "'), 'structure', /no ObjectId/, 'blank ObjectId')
  malformed(t, one(''), 'structure', /object 7: no position/, 'no position')
  malformed(t, one('<tt:Extension><a:RadarObjectInfo xmlns:a="y"><a:PolarCoordinate angle="-10"/></a:RadarObjectInfo></tt:Extension>'), 'structure', /PolarCoordinate has no range/, 'missing range')
  for (const bad of ['abc', '', '0x10', 'Infinity', '1e400', 'NaN', '1,5', '--1', '1.2.3']) {
    malformed(t, one(POLAR.replace('range="20"', `range="${bad}"`)), 'value', /object 7: PolarCoordinate@range .* is not a number/, `range="${bad}"`)
  }
  malformed(t, one(`<tt:Shape><tt:BoundingBox bottom="0" top="x" right="0" left="0"/></tt:Shape>${POLAR}`), 'value', /BoundingBox@top "x" is not a number/, 'bad box')
  malformed(t, one(`<tt:Shape><tt:Polygon><tt:Point x="1" y=""/></tt:Polygon></tt:Shape>${POLAR}`), 'value', /Point@y "" is not a number/, 'bad point')
  malformed(t, one(`<tt:Behaviour><tt:Speed>fast</tt:Speed></tt:Behaviour>${POLAR}`), 'value', /Speed "fast" is not a number/, 'bad speed')
  t.throws(() => readFrame(42 as unknown as string), MalformedFrameError, 'not a string')
})

t.test('an XML bomb is rejected without expanding anything', async (t) => {
  let lol = '<!ENTITY lol0 "lol">'
  for (let i = 1; i < 10; i++) lol += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`
  const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${lol}]><tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame UtcTime="&lol9;"><tt:Object ObjectId="&lol9;"/></tt:Frame></tt:VideoAnalytics></tt:MetadataStream>`
  const t0 = performance.now()
  malformed(t, bomb, 'not-xml', /DOCTYPE/, 'billion laughs')
  t.ok(performance.now() - t0 < 1000, 'fails fast')
  // external entity (XXE) attempt
  malformed(t, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><tt:MetadataStream><tt:VideoAnalytics><tt:Frame UtcTime="&xxe;"/></tt:VideoAnalytics></tt:MetadataStream>', 'not-xml', /DOCTYPE/, 'XXE')
  // an entity used without any DTD is not expanded either
  malformed(t, '<tt:MetadataStream><tt:VideoAnalytics><tt:Frame UtcTime="&lol9;"/></tt:VideoAnalytics></tt:MetadataStream>', 'not-xml', /undefined entity &lol9;/, 'undefined entity')
})

t.test('documents over 1 MiB are refused before parsing', async (t) => {
  const filler = `<!-- ${'x'.repeat(MAX_FRAME_BYTES)} -->`
  const big = one(POLAR).replace('<tt:VideoAnalytics>', `<tt:VideoAnalytics>${filler}`)
  malformed(t, big, 'oversize', /larger than 1048576 bytes/, 'string')
  malformed(t, Buffer.from(big), 'oversize', /larger than 1048576 bytes/, 'Buffer')
  const wide = `<!-- ${'€'.repeat(400_000)} -->` // 3 bytes each: 1.2 MB in UTF-8, 400 k UTF-16 units
  malformed(t, one(POLAR).replace('<tt:VideoAnalytics>', `<tt:VideoAnalytics>${wide}`), 'oversize', /larger/, 'UTF-8 length counts')
  // just under the limit is parsed
  const under = one(POLAR).replace('<tt:VideoAnalytics>', `<tt:VideoAnalytics><!-- ${'x'.repeat(MAX_FRAME_BYTES - 400)} -->`)
  t.equal(readFrame(under).objects.length, 1)
})

// ---- round trip -----------------------------------------------------------

/** A number exactly representable at `digits` decimals within ±max. */
const fixed = (max: number, digits: number): fc.Arbitrary<number> =>
  fc.integer({ min: -max * 10 ** digits, max: max * 10 ** digits }).map((k) => k / 10 ** digits)
const pos = (max: number, digits: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: max * 10 ** digits }).map((k) => k / 10 ** digits)
const point = fc.record({ x: fixed(1, 6), y: fixed(1, 6) })
const objectArb: fc.Arbitrary<RadarObject> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', '1', '9', '&', '<', '>', '"', "'", ' ', 'é', '€') }).filter((s) => s.trim() !== ''),
  class: fc.constantFrom<RadarClass>('Human', 'Vehicle', 'Unknown', 'SmallObject'),
  likelihood: pos(1, 2),
  range: pos(200, 2),
  angle: fixed(180, 2),
  distance: pos(200, 2),
  elevation: fixed(90, 2),
  azimuth: fixed(360, 2),
  speed: pos(100, 2),
  direction: pos(360, 2),
  velocityAngle: pos(360, 2),
  size: pos(20, 2),
  box: fc.record({ left: fixed(1, 6), top: fixed(1, 6), right: fixed(1, 6), bottom: fixed(1, 6) }),
  centerOfGravity: point,
  polygon: fc.array(point, { maxLength: 6 }),
  geo: fc.option(fc.record({ lon: fixed(180, 7), lat: fixed(90, 7), elevation: fixed(1000, 2) }), { nil: undefined })
}).map((o) => {
  if (o.geo === undefined) delete o.geo
  return o
})

t.test('round trip: readFrame(writeFrame(f)) equals f (values at the format precision)', async (t) => {
  fc.assert(fc.property(
    fc.record({ utcTime: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/[\u0000-\u001f]/.test(s)), objects: fc.array(objectArb, { maxLength: 8 }) }),
    (f: RadarFrame) => {
      const plain = JSON.parse(JSON.stringify(f)) as RadarFrame // fast-check builds null-prototype objects
      const back = readFrame(writeFrame(f))
      t.strictSame(back, plain)
      return JSON.stringify(back) === JSON.stringify(plain)
    }), { numRuns: 300 })
  // and coarser inputs come back rounded to the precision
  const o = readFrame(writeFrame({ utcTime: 't', objects: [{ ...SPEC_OBJECT, range: 14.4949, box: { left: 0.1234564, top: 0, right: 0, bottom: 0 } }] })).objects[0]
  t.equal(o.range, 14.49)
  t.equal(o.box.left, 0.123456)
})

t.test('a 50-object frame reads back exactly', async (t) => {
  const objects: RadarObject[] = []
  for (let i = 0; i < 50; i++) objects.push({ ...SPEC_OBJECT, id: String(1000 + i), range: 10 + i, class: i % 2 === 0 ? 'Human' : 'Unknown' })
  const f: RadarFrame = { utcTime: '2024-01-01T00:00:00.000000Z', objects }
  t.strictSame(readFrame(Buffer.from(writeFrame(f))), f)
})
