import t from 'tap'
import { escapeAttr, formatUtcTime, writeFrame } from '../../src/onvif/write.js'
import type { RadarObject } from '../../src/onvif/model.js'

const head = '<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema"><tt:VideoAnalytics>'
const tail = '</tt:VideoAnalytics></tt:MetadataStream>'

function obj (over: Partial<RadarObject> = {}): RadarObject {
  return {
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
    box: { left: 0.109985, top: -0.438904, right: 0.130005, bottom: -0.458923 },
    centerOfGravity: { x: 0.109985, y: -0.458923 },
    polygon: [{ x: 0.099976, y: -0.468933 }, { x: 0.1, y: -0.4 }, { x: 0.2, y: -0.4 }, { x: 0.2, y: -0.5 }],
    ...over
  }
}

t.test('empty frame is a self-closing tt:Frame (§3)', async (t) => {
  t.equal(writeFrame({ utcTime: '2017-07-14T08:45:20.284189Z', objects: [] }),
    `${head}<tt:Frame UtcTime="2017-07-14T08:45:20.284189Z"/>${tail}`)
})

t.test('a Vehicle object, exactly in the spec shape', async (t) => {
  const xml = writeFrame({ utcTime: '2017-07-14T08:45:20.284189Z', objects: [obj({ geo: { lon: 0.0000528, lat: 0.0001196, elevation: 0 } })] })
  t.equal(xml, head + '<tt:Frame UtcTime="2017-07-14T08:45:20.284189Z">' +
    '<tt:Object ObjectId="88"><tt:Appearance>' +
    '<tt:Shape>' +
    '<tt:BoundingBox bottom="-0.458923" top="-0.438904" right="0.130005" left="0.109985"/>' +
    '<tt:CenterOfGravity x="0.109985" y="-0.458923"/>' +
    '<tt:Polygon><tt:Point x="0.099976" y="-0.468933"/><tt:Point x="0.100000" y="-0.400000"/><tt:Point x="0.200000" y="-0.400000"/><tt:Point x="0.200000" y="-0.500000"/></tt:Polygon>' +
    '</tt:Shape>' +
    '<tt:Class><tt:Type Likelihood="0.75">Vehicle</tt:Type></tt:Class>' +
    '<tt:Extension><axrt:RadarObjectInfo xmlns:axrt="http://www.axis.com/2017/radar/axrt">' +
    '<axrt:PolarCoordinate angle="23.91" range="14.49"/>' +
    '<axrt:Velocity m-s="1.05" angle="343.60"/>' +
    '<axrt:Size m="0.00"/>' +
    '</axrt:RadarObjectInfo></tt:Extension>' +
    '<tt:GeoLocation lon="0.0000528" lat="0.0001196" elevation="0.00"/>' +
    '<tt:SphericalCoordinate Distance="14.49" ElevationAngle="0.00" AzimuthAngle="66.09"/>' +
    '<tt:Behaviour><tt:Speed>1.05</tt:Speed><tt:Direction yaw="106.40" pitch="0"/></tt:Behaviour>' +
    '</tt:Appearance></tt:Object></tt:Frame>' + tail)
})

t.test('Unknown and SmallObject are sent as Other with the subtype, as in the spec example', async (t) => {
  for (const cls of ['Unknown', 'SmallObject'] as const) {
    const xml = writeFrame({ utcTime: 'x', objects: [obj({ class: cls, likelihood: 0.8 })] })
    t.match(xml, '<tt:Class><tt:ClassCandidate><tt:Type>Other</tt:Type><tt:Likelihood>0.80</tt:Likelihood></tt:ClassCandidate>' +
      `<tt:Extension><tt:OtherTypes><tt:Type>${cls}</tt:Type><tt:Likelihood>1.0</tt:Likelihood></tt:OtherTypes></tt:Extension>` +
      '<tt:Type Likelihood="0.80">Other</tt:Type></tt:Class>')
  }
  t.match(writeFrame({ utcTime: 'x', objects: [obj({ class: 'Human', likelihood: 0.9 })] }), '<tt:Class><tt:Type Likelihood="0.90">Human</tt:Type></tt:Class>')
})

t.test('no GeoLocation element when the object has none', async (t) => {
  t.notMatch(writeFrame({ utcTime: 'x', objects: [obj()] }), 'GeoLocation')
})

t.test('fixed precision, rounding and no negative zero', async (t) => {
  const xml = writeFrame({
    utcTime: 'x',
    objects: [obj({ range: 1 / 3, angle: -0.0001, box: { left: -0.0000001, top: 0.12345678, right: 1, bottom: -1 } })]
  })
  t.match(xml, 'range="0.33"')
  t.match(xml, 'angle="0.00"')
  t.notMatch(xml, '"-0.00"')
  t.match(xml, 'bottom="-1.000000" top="0.123457" right="1.000000" left="0.000000"')
})

t.test('attribute values are escaped', async (t) => {
  t.equal(escapeAttr('a&b<c>"d\'e'), 'a&amp;b&lt;c&gt;&quot;d&apos;e')
  t.equal(escapeAttr('plain'), 'plain')
  const xml = writeFrame({ utcTime: '"<t>"', objects: [obj({ id: 'x"&y' })] })
  t.match(xml, 'UtcTime="&quot;&lt;t&gt;&quot;"')
  t.match(xml, 'ObjectId="x&quot;&amp;y"')
})

t.test('non-finite numbers are refused', async (t) => {
  t.throws(() => writeFrame({ utcTime: 'x', objects: [obj({ range: NaN })] }), RangeError)
  t.throws(() => writeFrame({ utcTime: 'x', objects: [obj({ speed: Infinity })] }), RangeError)
})

t.test('formatUtcTime gives microseconds and Z', async (t) => {
  t.equal(formatUtcTime(Date.UTC(2017, 6, 14, 8, 45, 20, 284) + 0.189), '2017-07-14T08:45:20.284189Z')
  t.equal(formatUtcTime(0), '1970-01-01T00:00:00.000000Z')
  t.equal(formatUtcTime(1500.5), '1970-01-01T00:00:01.500500Z')
  t.throws(() => formatUtcTime(NaN))
})
