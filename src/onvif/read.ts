/**
 * Parse one radar frame document (ONVIF tt:MetadataStream, radar-link.md §3)
 * into a RadarFrame.
 *
 * Input is untrusted (it comes off the RTSP link): size is checked before
 * parsing, no DTD is read and no entity is expanded (see xml-scan.ts), and
 * namespace prefixes are ignored (elements are matched by local name under
 * their expected parent), so documents using prefixes other than tt:/axrt:
 * are accepted.
 *
 * Leniency (for radars that send less than the spec example):
 *   - position: axrt:PolarCoordinate, else tt:SphericalCoordinate
 *     (range = Distance, angle = 90 − AzimuthAngle); one of them is required;
 *   - SphericalCoordinate missing → distance = range, elevation 0, azimuth = 90 − angle;
 *   - speed: Behaviour/Speed, else axrt:Velocity m-s, else 0;
 *     velocityAngle and yaw derive from each other (yaw = 90 − velocityAngle, mod 360);
 *   - shape missing → zero box, centre of gravity = box centre, no polygon;
 *   - class (§3): a direct `tt:Type` child of tt:Class naming Human/Vehicle
 *     wins (likelihood from its Likelihood attribute); otherwise the
 *     Extension/OtherTypes subtype (Unknown/SmallObject); otherwise a legacy
 *     ClassCandidate Human/Vehicle; otherwise Unknown. Likelihood: the
 *     tt:Type attribute, else the ClassCandidate likelihood, else 1.
 * A document may carry only one tt:Frame.
 */
import type { RadarClass, RadarFrame, RadarObject, ViewBox, ViewPoint } from './model.js'
import { attrKey, MAX_XML_DEPTH, NameTable, parseDecimal, scanXml, XmlSyntaxError, type AttrKey, type XmlAttributes, type XmlHandler } from './xml-scan.js'

/** Largest accepted document, in UTF-8 bytes (checked before parsing). */
export const MAX_FRAME_BYTES = 1024 * 1024

export type MalformedFrameReason = 'oversize' | 'not-xml' | 'structure' | 'value'

export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError'
  constructor (message: string, readonly reason: MalformedFrameReason) {
    super(message)
  }
}

// Attribute keys (local names; looked up in place, prefixes ignored).
const A = {
  UtcTime: attrKey('UtcTime'),
  ObjectId: attrKey('ObjectId'),
  bottom: attrKey('bottom'),
  top: attrKey('top'),
  right: attrKey('right'),
  left: attrKey('left'),
  x: attrKey('x'),
  y: attrKey('y'),
  Likelihood: attrKey('Likelihood'),
  angle: attrKey('angle'),
  range: attrKey('range'),
  ms: attrKey('m-s'),
  m: attrKey('m'),
  lon: attrKey('lon'),
  lat: attrKey('lat'),
  elevation: attrKey('elevation'),
  Distance: attrKey('Distance'),
  ElevationAngle: attrKey('ElevationAngle'),
  AzimuthAngle: attrKey('AzimuthAngle'),
  yaw: attrKey('yaw')
}

// The element local names the reader looks at (ONVIF Analytics schema tt:Frame /
// tt:Object, Axis axrt extension), as small integers: E.<name> = index + 1; 0 = any other.
const ELEMENTS = [
  'MetadataStream', 'VideoAnalytics', 'Frame', 'Object', 'Appearance', 'Shape', 'BoundingBox',
  'CenterOfGravity', 'Polygon', 'Point', 'Class', 'ClassCandidate', 'Type', 'Likelihood', 'OtherTypes',
  'RadarObjectInfo', 'PolarCoordinate', 'Velocity', 'Size', 'GeoLocation', 'SphericalCoordinate',
  'Behaviour', 'Speed', 'Direction'
] as const
const NAMES = new NameTable(ELEMENTS)
const E = Object.fromEntries(ELEMENTS.map((n, k) => [n, k + 1])) as Record<typeof ELEMENTS[number], number>
const METADATA_STREAM = E.MetadataStream; const VIDEO_ANALYTICS = E.VideoAnalytics; const FRAME = E.Frame
const OBJECT = E.Object; const APPEARANCE = E.Appearance; const SHAPE = E.Shape; const BOUNDING_BOX = E.BoundingBox
const CENTER_OF_GRAVITY = E.CenterOfGravity; const POLYGON = E.Polygon; const POINT = E.Point; const CLASS = E.Class
const CLASS_CANDIDATE = E.ClassCandidate; const TYPE = E.Type; const LIKELIHOOD = E.Likelihood
const OTHER_TYPES = E.OtherTypes; const RADAR_OBJECT_INFO = E.RadarObjectInfo; const POLAR_COORDINATE = E.PolarCoordinate
const VELOCITY = E.Velocity; const SIZE = E.Size; const GEO_LOCATION = E.GeoLocation
const SPHERICAL_COORDINATE = E.SphericalCoordinate; const BEHAVIOUR = E.Behaviour; const SPEED = E.Speed
const DIRECTION = E.Direction

function mod360 (a: number): number {
  const r = a % 360
  return r < 0 ? r + 360 : r
}

/** Per-object state collected while scanning one tt:Object. */
class ObjectDraft {
  box?: ViewBox
  cog?: ViewPoint
  polygon: ViewPoint[] = []
  typeText?: string
  typeLikelihood?: number
  candidateType?: string
  candidateLikelihood?: number
  otherType?: string
  polar?: { angle: number, range: number }
  velocity?: { speed: number, angle: number }
  size?: number
  geo?: { lon: number, lat: number, elevation: number }
  spherical?: { distance: number, elevation: number, azimuth: number }
  speed?: number
  yaw?: number
  constructor (readonly id: string) {}

  finish (): RadarObject {
    const where = `object ${this.id}`
    let range: number, angle: number
    if (this.polar !== undefined) {
      range = this.polar.range; angle = this.polar.angle
    } else if (this.spherical !== undefined) {
      range = this.spherical.distance; angle = 90 - this.spherical.azimuth
    } else {
      throw new MalformedFrameError(`${where}: no position (neither axrt:PolarCoordinate nor tt:SphericalCoordinate)`, 'structure')
    }
    const sph = this.spherical ?? { distance: range, elevation: 0, azimuth: 90 - angle }
    const speed = this.speed ?? this.velocity?.speed ?? 0
    const velocityAngle = this.velocity?.angle ?? (this.yaw !== undefined ? mod360(90 - this.yaw) : 0)
    const direction = this.yaw ?? mod360(90 - velocityAngle)
    const box = this.box ?? { left: 0, top: 0, right: 0, bottom: 0 }
    const cog = this.cog ?? { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 }
    const [cls, likelihood] = this.classify()
    const o: RadarObject = {
      id: this.id,
      class: cls,
      likelihood,
      range,
      angle,
      distance: sph.distance,
      elevation: sph.elevation,
      azimuth: sph.azimuth,
      speed,
      direction,
      velocityAngle,
      size: this.size ?? 0,
      box,
      centerOfGravity: cog,
      polygon: this.polygon
    }
    if (this.geo !== undefined) o.geo = this.geo
    return o
  }

  private classify (): [RadarClass, number] {
    const likelihood = this.typeLikelihood ?? this.candidateLikelihood ?? 1
    const t = this.typeText
    if (t === 'Human' || t === 'Vehicle') return [t, likelihood]
    const other = this.otherType
    if (other === 'Unknown' || other === 'SmallObject') return [other, likelihood]
    const c = this.candidateType
    if (c === 'Human') return ['Human', likelihood]
    if (c === 'Vehicle' || c === 'Vehical' /* ONVIF 1.x ClassType spelling */) return ['Vehicle', likelihood]
    return ['Unknown', likelihood]
  }
}

class FrameBuilder implements XmlHandler {
  /** element ids of the open elements, by depth (root = 1) */
  private readonly path = new Int32Array(MAX_XML_DEPTH + 2)
  utcTime?: string
  frames = 0
  readonly objects: RadarObject[] = []
  private obj?: ObjectDraft

  private attrs?: XmlAttributes

  private num (k: AttrKey, element: string, fallback?: number): number {
    const attrs = this.attrs as XmlAttributes
    const n = attrs.number(k)
    if (n === undefined) {
      if (fallback !== undefined) return fallback
      throw new MalformedFrameError(`${this.where()}: ${element} has no ${k.name} attribute`, 'structure')
    }
    if (Number.isNaN(n)) return this.toNumber(attrs.string(k) ?? '', element, k.name) // throws with the value
    return n
  }

  /** `what` and `name` only make the error message (built only on error). */
  private toNumber (v: string, what: string, name?: string): number {
    const n = parseDecimal(v)
    if (Number.isNaN(n)) {
      const field = name === undefined ? what : `${what}@${name}`
      throw new MalformedFrameError(`${this.where()}: ${field} ${JSON.stringify(v.slice(0, 40))} is not a number`, 'value')
    }
    return n
  }

  private where (): string {
    return this.obj !== undefined ? `object ${this.obj.id}` : 'frame'
  }

  open (el: number, depth: number, attrs: XmlAttributes): boolean {
    const path = this.path
    const parent = path[depth - 1] // 0 above the root
    path[depth] = el
    this.attrs = attrs

    if (depth === 1) {
      if (el !== METADATA_STREAM) throw new MalformedFrameError(`root element is <${attrs.localName()}>, expected tt:MetadataStream`, 'structure')
      return false
    }
    const o = this.obj
    if (o === undefined) {
      if (el === FRAME && depth === 3 && parent === VIDEO_ANALYTICS) {
        if (++this.frames > 1) throw new MalformedFrameError('more than one tt:Frame in the document', 'structure')
        const t = attrs.string(A.UtcTime)
        if (t === undefined || t === '') throw new MalformedFrameError('tt:Frame has no UtcTime', 'structure')
        this.utcTime = t
      } else if (el === OBJECT && parent === FRAME && depth === 4) {
        const id = attrs.string(A.ObjectId)
        if (id === undefined || id.trim() === '') {
          throw new MalformedFrameError(`object #${this.objects.length + 1} in the frame has no ObjectId`, 'structure')
        }
        this.obj = new ObjectDraft(id)
      }
      return false
    }

    // Inside a tt:Object: elements by id, each under its schema parent.
    switch (el) {
      case POINT:
        if (parent === POLYGON) o.polygon.push({ x: this.num(A.x, 'Point'), y: this.num(A.y, 'Point') })
        return false
      case POLAR_COORDINATE:
        if (parent === RADAR_OBJECT_INFO) o.polar = { angle: this.num(A.angle, 'PolarCoordinate'), range: this.num(A.range, 'PolarCoordinate') }
        return false
      case BOUNDING_BOX:
        if (parent === SHAPE) {
          // requested in the spec example's attribute order
          const bottom = this.num(A.bottom, 'BoundingBox')
          const top = this.num(A.top, 'BoundingBox')
          const right = this.num(A.right, 'BoundingBox')
          o.box = { left: this.num(A.left, 'BoundingBox'), top, right, bottom }
        }
        return false
      case CENTER_OF_GRAVITY:
        if (parent === SHAPE) o.cog = { x: this.num(A.x, 'CenterOfGravity'), y: this.num(A.y, 'CenterOfGravity') }
        return false
      case TYPE:
        if (parent === CLASS) {
          const l = attrs.string(A.Likelihood)
          if (l !== undefined) o.typeLikelihood = this.toNumber(l, 'Class/Type@Likelihood')
          return true
        }
        return parent === CLASS_CANDIDATE || parent === OTHER_TYPES
      case LIKELIHOOD:
        return parent === CLASS_CANDIDATE
      case VELOCITY:
        if (parent === RADAR_OBJECT_INFO) o.velocity = { speed: this.num(A.ms, 'Velocity'), angle: this.num(A.angle, 'Velocity') }
        return false
      case SIZE:
        if (parent === RADAR_OBJECT_INFO) o.size = this.num(A.m, 'Size')
        return false
      case SPHERICAL_COORDINATE:
        if (parent === APPEARANCE) {
          o.spherical = {
            distance: this.num(A.Distance, 'SphericalCoordinate'),
            elevation: this.num(A.ElevationAngle, 'SphericalCoordinate', 0),
            azimuth: this.num(A.AzimuthAngle, 'SphericalCoordinate')
          }
        }
        return false
      case SPEED:
        return parent === BEHAVIOUR
      case GEO_LOCATION:
        if (parent === APPEARANCE) {
          o.geo = { lon: this.num(A.lon, 'GeoLocation'), lat: this.num(A.lat, 'GeoLocation'), elevation: this.num(A.elevation, 'GeoLocation', 0) }
        }
        return false
      case DIRECTION:
        if (parent === BEHAVIOUR) o.yaw = this.num(A.yaw, 'Direction')
        return false
      default:
        return false
    }
  }

  close (el: number, depth: number, text: string | undefined): void {
    const o = this.obj
    if (o === undefined) return
    if (el === OBJECT && depth === 4) {
      this.objects.push(o.finish())
      this.obj = undefined
      return
    }
    if (text === undefined) return
    const parent = this.path[depth - 1]
    const v = text.trim()
    switch (el) {
      case TYPE:
        if (parent === CLASS) o.typeText = v
        else if (parent === CLASS_CANDIDATE) o.candidateType = v
        else o.otherType = v
        break
      case LIKELIHOOD:
        o.candidateLikelihood = this.toNumber(v, 'ClassCandidate/Likelihood')
        break
      case SPEED:
        o.speed = this.toNumber(v, 'Behaviour/Speed')
        break
    }
  }
}

function decode (xml: string | Buffer): string {
  if (typeof xml === 'string') {
    // UTF-16 length ≤ UTF-8 byte length, so only long strings need counting.
    if (xml.length > MAX_FRAME_BYTES || (xml.length > MAX_FRAME_BYTES / 3 && Buffer.byteLength(xml, 'utf8') > MAX_FRAME_BYTES)) {
      throw new MalformedFrameError(`frame document larger than ${MAX_FRAME_BYTES} bytes`, 'oversize')
    }
    return xml
  }
  if (Buffer.isBuffer(xml)) {
    if (xml.length > MAX_FRAME_BYTES) throw new MalformedFrameError(`frame document larger than ${MAX_FRAME_BYTES} bytes (${xml.length})`, 'oversize')
    return xml.toString('utf8')
  }
  throw new MalformedFrameError('frame document must be a string or a Buffer', 'not-xml')
}

/** Parse one frame document (§3). Throws MalformedFrameError on anything unusable. */
export function readFrame (xml: string | Buffer): RadarFrame {
  const s = decode(xml)
  let start = s.charCodeAt(0) === 0xfeff ? 1 : 0
  while (start < s.length && /\s/.test(s[start])) start++
  if (start >= s.length) throw new MalformedFrameError('not XML: empty document', 'not-xml')
  if (s[start] !== '<') throw new MalformedFrameError(`not XML: document starts with ${JSON.stringify(s.slice(start, start + 20))}`, 'not-xml')

  const b = new FrameBuilder()
  try {
    scanXml(s, NAMES, b)
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new MalformedFrameError(`not well-formed XML: ${e.message}`, 'not-xml')
    throw e
  }
  if (b.utcTime === undefined) throw new MalformedFrameError('no tt:Frame in tt:MetadataStream/tt:VideoAnalytics', 'structure')
  return { utcTime: b.utcTime, objects: b.objects }
}
