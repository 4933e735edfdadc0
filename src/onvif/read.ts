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
import { attrKey, parseDecimal, scanXml, XmlSyntaxError, type AttrKey, type XmlAttributes, type XmlHandler } from './xml-scan.js'

/** Largest accepted document, in UTF-8 bytes (checked before parsing). */
export const MAX_FRAME_BYTES = 1024 * 1024

export type MalformedFrameReason = 'oversize' | 'not-xml' | 'structure' | 'value'

export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError'
  constructor (message: string, readonly reason: MalformedFrameReason) {
    super(message)
  }
}

// Attribute keys, in the order of the spec example (the fast path expects document order).
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
  private readonly path: string[] = [] // local names of open elements
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
    if (Number.isNaN(n)) return this.toNumber(attrs.get(k.name) ?? '', element, k.name) // throws with the value
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

  open (local: string, attrs: XmlAttributes, depth: number): boolean {
    const parent = depth >= 2 ? this.path[depth - 2] : undefined
    this.path[depth - 1] = local
    this.attrs = attrs

    if (depth === 1) {
      if (local !== 'MetadataStream') throw new MalformedFrameError(`root element is <${local}>, expected tt:MetadataStream`, 'structure')
      return false
    }
    const o = this.obj
    if (o === undefined) {
      if (local === 'Frame' && depth === 3 && parent === 'VideoAnalytics') {
        if (++this.frames > 1) throw new MalformedFrameError('more than one tt:Frame in the document', 'structure')
        const t = attrs.string(A.UtcTime)
        if (t === undefined || t === '') throw new MalformedFrameError('tt:Frame has no UtcTime', 'structure')
        this.utcTime = t
      } else if (local === 'Object' && parent === 'Frame' && depth === 4) {
        const id = attrs.string(A.ObjectId)
        if (id === undefined || id.trim() === '') {
          throw new MalformedFrameError(`object #${this.objects.length + 1} in the frame has no ObjectId`, 'structure')
        }
        this.obj = new ObjectDraft(id)
      }
      return false
    }

    // Dispatch on the first letter, then compare: cheaper than a string switch on this hot path.
    switch (local.charCodeAt(0)) {
      case 80: // P
        if (local === 'Point') {
          if (parent === 'Polygon') o.polygon.push({ x: this.num(A.x, local), y: this.num(A.y, local) })
        } else if (local === 'PolarCoordinate' && parent === 'RadarObjectInfo') {
          o.polar = { angle: this.num(A.angle, local), range: this.num(A.range, local) }
        }
        return false
      case 66: // B
        if (local === 'BoundingBox' && parent === 'Shape') {
          // requested in the spec example's attribute order (fastest lookup)
          const bottom = this.num(A.bottom, local)
          const top = this.num(A.top, local)
          const right = this.num(A.right, local)
          o.box = { left: this.num(A.left, local), top, right, bottom }
        }
        return false
      case 67: // C
        if (local === 'CenterOfGravity' && parent === 'Shape') o.cog = { x: this.num(A.x, local), y: this.num(A.y, local) }
        return false
      case 84: // T
        if (local !== 'Type') return false
        if (parent === 'Class') {
          const l = attrs.string(A.Likelihood)
          if (l !== undefined) o.typeLikelihood = this.toNumber(l, 'Class/Type@Likelihood')
          return true
        }
        return parent === 'ClassCandidate' || parent === 'OtherTypes'
      case 76: // L
        return local === 'Likelihood' && parent === 'ClassCandidate'
      case 86: // V
        if (local === 'Velocity' && parent === 'RadarObjectInfo') {
          o.velocity = { speed: this.num(A.ms, local), angle: this.num(A.angle, local) }
        }
        return false
      case 83: // S
        if (local === 'Size') {
          if (parent === 'RadarObjectInfo') o.size = this.num(A.m, local)
        } else if (local === 'SphericalCoordinate') {
          if (parent === 'Appearance') {
            o.spherical = {
              distance: this.num(A.Distance, local),
              elevation: this.num(A.ElevationAngle, local, 0),
              azimuth: this.num(A.AzimuthAngle, local)
            }
          }
        } else if (local === 'Speed') {
          return parent === 'Behaviour'
        }
        return false
      case 71: // G
        if (local === 'GeoLocation' && parent === 'Appearance') {
          o.geo = { lon: this.num(A.lon, local), lat: this.num(A.lat, local), elevation: this.num(A.elevation, local, 0) }
        }
        return false
      case 68: // D
        if (local === 'Direction' && parent === 'Behaviour') o.yaw = this.num(A.yaw, local)
        return false
      default:
        return false
    }
  }

  close (local: string, text: string | undefined, depth: number): void {
    const o = this.obj
    if (o === undefined) return
    if (local === 'Object' && depth === 4) {
      this.objects.push(o.finish())
      this.obj = undefined
      return
    }
    if (text === undefined) return
    const parent = this.path[depth - 2]
    const v = text.trim()
    switch (local) {
      case 'Type':
        if (parent === 'Class') o.typeText = v
        else if (parent === 'ClassCandidate') o.candidateType = v
        else o.otherType = v
        break
      case 'Likelihood':
        o.candidateLikelihood = this.toNumber(v, 'ClassCandidate/Likelihood')
        break
      case 'Speed':
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
    scanXml(s, b)
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new MalformedFrameError(`not well-formed XML: ${e.message}`, 'not-xml')
    throw e
  }
  if (b.utcTime === undefined) throw new MalformedFrameError('no tt:Frame in tt:MetadataStream/tt:VideoAnalytics', 'structure')
  return { utcTime: b.utcTime, objects: b.objects }
}
