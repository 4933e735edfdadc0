/**
 * THE ORACLE: the frame reader as it was before the 2× rewrite
 * (src/onvif/xml-scan.ts, then src/onvif/read.ts, as of commit 087bcda;
 * last changed in d797549), frozen here
 * unchanged (only the two files joined, imports adjusted) for the
 * differential test read-differential.test.ts. Do not "fix" or speed up
 * this file: it is the reference the new reader is compared with. The
 * deliberate differences of the new reader are listed in that test.
 */
import type { RadarClass, RadarFrame, RadarObject, ViewBox, ViewPoint } from '../../src/onvif/model.js'

// ---- src/onvif/xml-scan.ts (087bcda) ----------------------------------------
/**
 * A minimal, safe, streaming XML scanner for the radar frame documents
 * (radar-link.md §3). It exists because the frame reader must handle
 * ≥ 2,000 frames/s of 50 objects (~50 KB each) on one core; fast-xml-parser
 * 5.12 measured ~150 frames/s on the same documents.
 *
 * What it checks (well-formedness, enough for untrusted input):
 *   - one root element, matching start/end tags, quoted attribute values
 *     without "<", no text outside the root, no unterminated constructs;
 *   - references: only the five predefined entities and character references
 *     are decoded; anything else is an error.
 * Safety: any `<!DOCTYPE` is rejected outright, so no DTD is ever read and no
 * entity is ever defined or expanded (no "billion laughs"); nesting depth is
 * bounded; no recursion.
 * Not supported (not needed here): DTDs, namespace URI resolution (callers get
 * local names, i.e. prefixes removed), duplicate-attribute detection.
 *
 * Speed: start tags are validated by sticky regexes (native code); attributes
 * are split and sliced only when the handler asks for one.
 */

const SLASH = 47; const BANG = 33; const QMARK = 63
const DQUOTE = 34; const COLON = 58

/**
 * A whole start tag after its "<": [prefix:]name, attributes (name = quoted
 * value without "<"), optional whitespace, then "/>" or ">". Validated by the
 * regex engine (much faster than a JS character loop); attributes are only
 * split when the handler asks for one.
 */
const TAG_NAME = /[^\s/>!?:<="']+(?::[^\s/>!?:<="']+)?/y
const START_TAG_REST = /(?:\s+[^\s=<>/"']+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\/?>/y

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError'
}

/** An attribute name prepared for `XmlAttributes.number/string` (make once, reuse). */
export interface AttrKey {
  readonly name: string
  /** ` name="`: what precedes the value in the common, canonical layout */
  readonly key: string
}

export function attrKey (name: string): AttrKey {
  return { name, key: ` ${name}="` }
}

/** The attributes of the current start tag; valid only during `XmlHandler.open`. */
export class XmlAttributes {
  private xml = ''
  private from = 0
  private to = 0
  private parsed = false
  private cursor = 0
  /** an attribute boundary (after the name or after a closing quote), for the fast path */
  private seq = 0
  private hasRef = false
  private count = 0
  /** nameStart, nameEnd, valueStart, valueEnd per attribute */
  private readonly pos: number[] = []

  /** @internal Point at the attribute text of a start tag (already validated by START_TAG_REST). */
  reset (xml: string, from: number, to: number, hasRef: boolean): void {
    this.xml = xml
    this.from = from
    this.to = to
    this.parsed = false
    this.cursor = 0
    this.seq = from
    this.hasRef = hasRef
  }

  /** Split the (validated) attribute text into offsets; done on the first `get`. */
  private parse (): void {
    const xml = this.xml
    const pos = this.pos
    const to = this.to
    let i = this.from
    let n = 0
    for (;;) {
      while (i < to && isWs(xml.charCodeAt(i))) i++
      if (i >= to) break
      const ns = i
      // validated: name, optional whitespace, "=", optional whitespace, quoted value
      const eq = xml.indexOf('=', i)
      let ne = eq
      while (isWs(xml.charCodeAt(ne - 1))) ne--
      i = eq + 1
      while (isWs(xml.charCodeAt(i))) i++
      const ve = xml.indexOf(xml.charCodeAt(i) === DQUOTE ? '"' : "'", i + 1)
      const k = 4 * n
      pos[k] = ns
      pos[k + 1] = ne
      pos[k + 2] = i + 1
      pos[k + 3] = ve
      n++
      i = ve + 1
    }
    this.count = n
    this.parsed = true
  }

  /**
   * Fast path for attributes written ` name="value"` and asked for in
   * document order (what radars and our writer send): one prefix comparison
   * at the next attribute boundary. Returns the value's [start, end) or
   * undefined when the layout differs (callers then use the general lookup).
   * Sound because the tag was validated: at a boundary, ` name="` can only be
   * the start of the attribute `name`, whose value ends at the next `"`.
   */
  private fast (k: AttrKey): number {
    const xml = this.xml
    if (!xml.startsWith(k.key, this.seq)) return -1
    const vs = this.seq + k.key.length
    const ve = xml.indexOf('"', vs)
    this.seq = ve + 1
    this.fastEnd = ve
    return vs
  }

  private fastEnd = 0

  /** `getNumber` by prepared key (fast path when the layout allows). */
  number (k: AttrKey): number | undefined {
    const vs = this.fast(k)
    if (vs < 0) return this.getNumber(k.name)
    if (this.hasRef) return parseDecimal(decodeXmlText(this.xml.slice(vs, this.fastEnd), vs))
    return parseDecimalAt(this.xml, vs, this.fastEnd)
  }

  /** `get` by prepared key (fast path when the layout allows). */
  string (k: AttrKey): string | undefined {
    const vs = this.fast(k)
    if (vs < 0) return this.get(k.name)
    const v = this.xml.slice(vs, this.fastEnd)
    return this.hasRef ? decodeXmlText(v, vs) : v
  }

  /**
   * Numeric value of the attribute `local` (see `get`), parsed in place without
   * slicing: undefined when absent, NaN when not a plain decimal number.
   */
  getNumber (local: string): number | undefined {
    const k = this.find(local)
    if (k < 0) return undefined
    const pos = this.pos
    if (this.hasRef) return parseDecimal(decodeXmlText(this.xml.slice(pos[k + 2], pos[k + 3]), pos[k + 2]))
    return parseDecimalAt(this.xml, pos[k + 2], pos[k + 3])
  }

  /** Value of the attribute whose local name (prefix removed) is `local`; xmlns declarations are never matched. */
  get (local: string): string | undefined {
    const k = this.find(local)
    if (k < 0) return undefined
    const pos = this.pos
    const v = this.xml.slice(pos[k + 2], pos[k + 3])
    return this.hasRef ? decodeXmlText(v, pos[k + 2]) : v
  }

  /**
   * Index into `pos` of the attribute with local name `local`, or -1. The
   * search starts after the previous hit, so lookups in document order cost
   * one comparison each.
   */
  private find (local: string): number {
    if (!this.parsed) this.parse()
    const xml = this.xml
    const pos = this.pos
    const n = local.length
    const end = 4 * this.count
    for (let j = 0, k = this.cursor; j < end; j += 4, k += 4) {
      if (k >= end) k = 0
      const ns = pos[k]
      const ne = pos[k + 1]
      const len = ne - ns
      if (len === n) {
        // names are short: a loop beats a startsWith call
        let m = 0
        while (m < n && xml.charCodeAt(ns + m) === local.charCodeAt(m)) m++
        if (m < n) continue
      } else if (len > n && xml.charCodeAt(ne - n - 1) === COLON && xml.startsWith(local, ne - n)) {
        if (xml.startsWith('xmlns:', ns)) continue
      } else {
        continue
      }
      this.cursor = k + 4
      return k
    }
    return -1
  }
}

export interface XmlHandler {
  /**
   * A start tag, with its local name (prefix removed). Return true to receive
   * the element's own text (direct text and CDATA children) in `close`; meant
   * for leaf elements (a capturing child replaces its parent's capture).
   */
  open: (local: string, attrs: XmlAttributes, depth: number) => boolean
  /** The matching end tag (also called for `<x/>`); `text` is set if `open` asked for it. */
  close: (local: string, text: string | undefined, depth: number) => void
}

export const MAX_XML_DEPTH = 64


function isWs (c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9
}

function fail (msg: string, at: number): never {
  throw new XmlSyntaxError(`${msg} (at offset ${at})`)
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Decode predefined entities and character references; anything else is an error. */
export function decodeXmlText (s: string, at = 0): string {
  let amp = s.indexOf('&')
  if (amp < 0) return s
  let out = ''
  let from = 0
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1)
    if (semi < 0 || semi - amp > 12) fail('unterminated character or entity reference', at + amp)
    const ref = s.slice(amp + 1, semi)
    let rep: string
    if (ref.charCodeAt(0) === 35 /* # */) {
      const code = ref.charCodeAt(1) === 120 /* x */
        ? (/^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : NaN)
        : (/^#[0-9]{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN)
      if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) fail(`invalid character reference &${ref};`, at + amp)
      rep = String.fromCodePoint(code)
    } else {
      // Only the five predefined entities exist: there is no DTD to define others.
      if (!Object.hasOwn(PREDEFINED, ref)) fail(`undefined entity &${ref};`, at + amp)
      rep = PREDEFINED[ref]
    }
    out += s.slice(from, amp) + rep
    from = semi + 1
    amp = s.indexOf('&', from)
  }
  return out + s.slice(from)
}

const NUMBER_RE = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]

/**
 * Strict decimal number in s[from, to), or NaN (no hex, no Infinity, no empty
 * string). Fast path for plain `-?digits[.digits]` of at most 15 digits: the
 * integer mantissa and 10^k are exact doubles, so the division is correctly
 * rounded and equals Number(). Anything else (exponent, '+', surrounding
 * whitespace, long mantissas) goes through a regex and Number().
 */
export function parseDecimalAt (s: string, from: number, to: number): number {
  let i = from
  let neg = false
  if (i < to && s.charCodeAt(i) === 45 /* - */) { neg = true; i++ }
  let mant = 0
  let digits = 0
  let frac = -1
  for (; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      mant = mant * 10 + (c - 48)
      digits++
      if (frac >= 0) frac++
    } else if (c === 46 /* . */ && frac < 0) {
      frac = 0
    } else {
      break
    }
  }
  if (i === to && digits > 0 && digits <= 15) {
    const v = frac > 0 ? mant / POW10[frac] : mant
    return neg ? -v : v
  }
  const t = s.slice(from, to)
  if (!NUMBER_RE.test(t)) return NaN
  const n = Number(t)
  return Number.isFinite(n) ? n : NaN
}

export function parseDecimal (s: string): number {
  return parseDecimalAt(s, 0, s.length)
}

function onlyWhitespace (s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(s.charCodeAt(i))) return false
  return true
}

/** Scan `xml`, calling `h` for each element. Throws XmlSyntaxError when not well-formed. */
export function scanXml (xml: string, h: XmlHandler): void {
  const len = xml.length
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0
  const nameStarts: number[] = [] // qualified name offsets of open elements
  const nameEnds: number[] = []
  const locals: string[] = []
  const attrs = new XmlAttributes()
  let depth = 0
  let rootSeen = false
  let captureDepth = -1
  let text = ''
  let lt = xml.indexOf('<', i)
  let amp = xml.indexOf('&', i)
  let colon = xml.indexOf(':', i)

  while (i < len) {
    const textEnd = lt < 0 ? len : lt
    if (textEnd > i) {
      if (depth === 0) {
        if (!onlyWhitespace(xml, i, textEnd)) fail(rootSeen ? 'text after the root element' : 'text before the root element', i)
      } else if (captureDepth === depth) {
        text += decodeXmlText(xml.slice(i, textEnd), i)
      }
    }
    if (lt < 0) break
    const tagStart = lt
    i = lt + 1
    const c = xml.charCodeAt(i)

    if (c === SLASH) { // end tag
      const nameStart = i + 1
      const gt = xml.indexOf('>', nameStart)
      if (gt < 0) fail('unterminated end tag', tagStart)
      let nameEnd = gt
      while (nameEnd > nameStart && isWs(xml.charCodeAt(nameEnd - 1))) nameEnd--
      if (depth === 0) fail(`end tag </${xml.slice(nameStart, nameEnd)}> without a start tag`, tagStart)
      const os = nameStarts[depth - 1]
      const n = nameEnds[depth - 1] - os
      const local = locals[depth - 1]
      // same length, same local part (native string compare), same prefix (a few chars)
      const ll = local.length
      let same = nameEnd - nameStart === n && xml.slice(nameEnd - ll, nameEnd) === local
      for (let k = n - ll - 1; same && k >= 0; k--) same = xml.charCodeAt(os + k) === xml.charCodeAt(nameStart + k)
      if (!same) fail(`end tag </${xml.slice(nameStart, nameEnd)}> does not match <${xml.slice(os, os + n)}>`, tagStart)
      const captured = captureDepth === depth ? text : undefined
      if (captured !== undefined) { captureDepth = -1; text = '' }
      h.close(local, captured, depth)
      depth--
      i = gt + 1
      lt = xml.indexOf('<', i)
      continue
    }

    if (c === BANG) {
      if (xml.startsWith('!--', i)) {
        const e = xml.indexOf('-->', i + 3)
        if (e < 0) fail('unterminated comment', tagStart)
        i = e + 3
      } else if (xml.startsWith('![CDATA[', i)) {
        if (depth === 0) fail('CDATA section outside the root element', tagStart)
        const e = xml.indexOf(']]>', i + 8)
        if (e < 0) fail('unterminated CDATA section', tagStart)
        if (captureDepth === depth) text += xml.slice(i + 8, e)
        i = e + 3
      } else if (xml.startsWith('!DOCTYPE', i)) {
        fail('DOCTYPE declarations are not accepted (no DTD is read, no entity is defined or expanded)', tagStart)
      } else {
        fail('unexpected markup "<!"', tagStart)
      }
      lt = xml.indexOf('<', i)
      continue
    }

    if (c === QMARK) { // processing instruction or XML declaration: skipped
      const e = xml.indexOf('?>', i + 1)
      if (e < 0) fail('unterminated processing instruction', tagStart)
      i = e + 2
      lt = xml.indexOf('<', i)
      continue
    }

    // start tag: [prefix:]local, then attributes, then > or />
    const nameStart = i
    TAG_NAME.lastIndex = i
    if (!TAG_NAME.test(xml)) fail('malformed start tag', tagStart)
    const nameEnd = TAG_NAME.lastIndex
    let tagEnd: number
    const after = xml.charCodeAt(nameEnd)
    if (after === 62 /* > */) {
      tagEnd = nameEnd + 1 // no attributes: no regex needed
    } else {
      START_TAG_REST.lastIndex = nameEnd
      if (!START_TAG_REST.test(xml)) {
        fail(`malformed or unterminated start tag <${xml.slice(nameStart, nameEnd)}> (attributes must be name="value" without "<")`, tagStart)
      }
      tagEnd = START_TAG_REST.lastIndex
    }
    const selfClosing = xml.charCodeAt(tagEnd - 2) === SLASH
    // `colon` caches the next ":" at or after the scan position (amortised linear).
    if (colon >= 0 && colon < nameStart) colon = xml.indexOf(':', nameStart)
    const localStart = colon >= 0 && colon < nameEnd ? colon + 1 : nameStart
    if (depth === 0) {
      if (rootSeen) fail(`second root element <${xml.slice(nameStart, nameEnd)}>`, tagStart)
      rootSeen = true
    }
    if (depth >= MAX_XML_DEPTH) fail(`elements nested deeper than ${MAX_XML_DEPTH}`, tagStart)

    // Is there a "&" (a reference to decode) inside this tag? `amp` is the next "&" at or after the scan position.
    if (amp >= 0 && amp < nameEnd) amp = xml.indexOf('&', nameEnd)
    const hasRef = amp >= 0 && amp < tagEnd
    const local = xml.slice(localStart, nameEnd)
    depth++
    nameStarts[depth - 1] = nameStart
    nameEnds[depth - 1] = nameEnd
    locals[depth - 1] = local
    attrs.reset(xml, nameEnd, selfClosing ? tagEnd - 2 : tagEnd - 1, hasRef)
    const wantText = h.open(local, attrs, depth)
    if (selfClosing) {
      h.close(local, wantText ? '' : undefined, depth)
      depth--
    } else if (wantText) {
      captureDepth = depth
      text = ''
    }
    i = tagEnd
    lt = xml.indexOf('<', i)
  }

  if (depth > 0) fail(`unclosed element <${xml.slice(nameStarts[depth - 1], nameEnds[depth - 1])}>`, len)
  if (!rootSeen) fail('no root element', len)
}

// ---- src/onvif/read.ts (087bcda) --------------------------------------------
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
