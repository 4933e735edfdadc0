import { XMLParser } from 'fast-xml-parser'
import { writeFrame } from '../src/onvif/write.js'
import type { RadarObject } from '../src/onvif/model.js'
const objs: RadarObject[] = []
for (let i = 0; i < 50; i++) objs.push({ id: String(i), class: i % 3 ? 'Human' : 'Unknown', likelihood: 0.8, range: 14.49, angle: 23.91, distance: 14.49, elevation: 0, azimuth: 66.09, speed: 1.05, direction: 106.4, velocityAngle: 343.6, size: 0.5, box: { left: 0.1, right: 0.2, top: 0.3, bottom: 0.2 }, centerOfGravity: { x: 0.15, y: 0.25 }, polygon: [{ x: 0.1, y: 0.3 }, { x: 0.2, y: 0.3 }, { x: 0.2, y: 0.2 }, { x: 0.1, y: 0.2 }], geo: { lon: 0.0000528, lat: 0.0001196, elevation: 0 } })
const xml = writeFrame({ utcTime: '2017-07-14T08:45:20.284189Z', objects: objs })
console.log('bytes', xml.length)
const p = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, processEntities: false, htmlEntities: false, parseTagValue: false, parseAttributeValue: false, isArray: (n) => n === 'Object' || n === 'Point' })
let t0 = performance.now(); let n = 0
while (performance.now() - t0 < 2000) { p.parse(xml); n++ }
console.log('fxp frames/s', n / ((performance.now() - t0) / 1000))
t0 = performance.now(); n = 0
while (performance.now() - t0 < 1000) { writeFrame({ utcTime: 'x', objects: objs }); n++ }
console.log('write frames/s', n / ((performance.now() - t0) / 1000))
console.log(JSON.stringify(p.parse(xml)).slice(0, 1500))
