/**
 * A minimal, safe, streaming XML scanner for the radar frame documents
 * (radar-link.md §3). It exists because the frame reader must handle
 * ≥ 2,000 frames/s of 50 objects (~50 KB each) on one core; fast-xml-parser
 * 5.12 measured ~150 frames/s on the same documents.
 *
 * What it checks (well-formedness, enough for untrusted input):
 *   - one root element, matching start/end tags (XML 1.0 [39] element, WFC
 *     Element Type Match), attributes `name = "value"` / `'value'` without
 *     "<" ([41] Attribute, [10] AttValue), separated by XML whitespace only
 *     ([3] S: space, tab, CR, LF — any other Unicode space inside a tag is
 *     an error), no text outside the root, no unterminated constructs;
 *   - references ([67] Reference) in all text and all attribute values:
 *     only the five predefined entities and character references ([66],
 *     [2] Char range) exist; anything else is an error (WFC Entity Declared).
 * Safety: any `<!DOCTYPE` is rejected outright, so no DTD is ever read and no
 * entity is ever defined or expanded (no "billion laughs"); nesting depth is
 * bounded; no recursion.
 * Not supported (not needed here): DTDs, namespace URI resolution (callers get
 * local names, i.e. prefixes removed), duplicate-attribute detection (a lookup
 * returns the first attribute with that local name), the Name productions
 * (names are any run of characters up to a delimiter, with at most one ":").
 *
 * Speed (no string is made per tag): the scanner walks the characters once
 * with charCodeAt; element local names are mapped to small integers by a
 * `NameTable` comparing in place; end tags are compared with the start tag's
 * offsets; attributes are recorded as offsets and numbers are parsed in place
 * when the handler asks for them.
 */

const LT = 60; const GT = 62; const SLASH = 47; const BANG = 33; const QMARK = 63
const DQUOTE = 34; const SQUOTE = 39; const COLON = 58; const EQ = 61; const AMP = 38

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError'
}

export const MAX_XML_DEPTH = 64

/**
 * Character classes below 128 inside tags. Names follow the scanner's lax
 * rule (any character but the delimiters); XML 1.0 [3] S is the only
 * whitespace; \v and \f (JavaScript whitespace, not XML's) are errors.
 */
const C_NAME = 0; const C_WS = 1; const C_COLON = 2; const C_BAD = 3; const C_SLASH = 4; const C_GT = 5; const C_EQ = 6
/** element names: not S / > ! ? : < = " ' */
const CLASS = new Uint8Array(128)
/** attribute names: not S = < > / " ' (":" recorded: the local name follows the last one) */
const ATTR_CLASS = new Uint8Array(128)
for (const t of [CLASS, ATTR_CLASS]) {
  for (const c of [32, 9, 10, 13]) t[c] = C_WS
  for (const c of [11, 12, LT, DQUOTE, SQUOTE]) t[c] = C_BAD
  t[COLON] = C_COLON; t[SLASH] = C_SLASH; t[GT] = C_GT; t[EQ] = C_EQ
}
CLASS[BANG] = C_BAD; CLASS[QMARK] = C_BAD

function isWs (c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9
}

/** JavaScript's other whitespace (\s minus XML's S) at or above 128: refused inside tags. */
function isOtherSpace (c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

function fail (msg: string, at: number): never {
  throw new XmlSyntaxError(`${msg} (at offset ${at})`)
}

function notXmlSpace (c: number, at: number): never {
  fail(`character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not XML whitespace and not allowed in a tag`, at)
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

/**
 * Known element local names → small integers (1, 2, …; 0 for any other
 * name), matched in place: candidates by length, then first character, then
 * one native `startsWith` at the offset.
 */
export class NameTable {
  private readonly byLength: Array<Array<{ name: string, first: number, id: number }> | undefined> = []
  constructor (readonly names: readonly string[]) {
    names.forEach((name, k) => {
      if (name.length === 0 || name.includes(':')) throw new Error(`bad local name ${JSON.stringify(name)}`)
      const list = this.byLength[name.length] ?? (this.byLength[name.length] = [])
      list.push({ name, first: name.charCodeAt(0), id: k + 1 })
    })
  }

  /** The id of the name in xml[from, to), or 0. */
  lookup (xml: string, from: number, to: number): number {
    const list = to - from < this.byLength.length ? this.byLength[to - from] : undefined
    if (list === undefined) return 0
    const c = xml.charCodeAt(from)
    for (let k = 0; k < list.length; k++) {
      const e = list[k]
      if (e.first === c && xml.startsWith(e.name, from)) return e.id
    }
    return 0
  }
}

/** An attribute name prepared for `XmlAttributes.number/string` (make once, reuse). */
export interface AttrKey {
  readonly name: string
  readonly first: number
  /** index in ATTR_KEYS (templates resolve keys to attributes once) */
  readonly id: number
}

const ATTR_KEYS: AttrKey[] = []

export function attrKey (name: string): AttrKey {
  if (name.length === 0 || name.includes(':')) throw new Error(`bad attribute local name ${JSON.stringify(name)}`)
  const k = { name, first: name.charCodeAt(0), id: ATTR_KEYS.length }
  ATTR_KEYS.push(k)
  return k
}

/** Offsets recorded per attribute in `XmlAttributes.pos`. */
const A_NAME = 0; const A_LOCAL = 1; const A_NAME_END = 2; const A_VALUE = 3; const A_VALUE_END = 4; const A_REF = 5
const A_SIZE = 6

/** The attributes of the current start tag; valid only during `XmlHandler.open`. */
export class XmlAttributes {
  /** @internal */ xml = ''
  /** @internal number of attributes */ count = 0
  /** @internal offsets, A_SIZE per attribute (A_REF: 1 when the value holds a reference) */
  readonly pos: number[] = []
  /** @internal the element's local name */ localStart = 0
  /** @internal */ nameEnd = 0
  /** @internal the tag's template: AttrKey id → offset in `pos` (-1: absent), when known */
  keyIndex: number[] | undefined = undefined

  /** The element's local name (made on demand: for messages). */
  localName (): string {
    return this.xml.slice(this.localStart, this.nameEnd)
  }

  /**
   * Index into `pos` of the first attribute whose local name (prefix
   * removed) is `k.name`, or -1; xmlns declarations are never matched.
   */
  private find (k: AttrKey): number {
    const known = this.keyIndex?.[k.id]
    if (known !== undefined) return known
    const xml = this.xml
    const pos = this.pos
    const name = k.name
    const n = name.length
    const end = A_SIZE * this.count
    for (let j = 0; j < end; j += A_SIZE) {
      const ls = pos[j + A_LOCAL]
      if (pos[j + A_NAME_END] - ls !== n || xml.charCodeAt(ls) !== k.first) continue
      // names are short: a loop beats a startsWith call
      let m = 1
      while (m < n && xml.charCodeAt(ls + m) === name.charCodeAt(m)) m++
      if (m < n) continue
      if (ls !== pos[j + A_NAME] && xml.startsWith('xmlns:', pos[j + A_NAME])) continue
      return j
    }
    return -1
  }

  /**
   * Numeric value of the attribute (see `find`), parsed in place without
   * slicing: undefined when absent, NaN when not a plain decimal number.
   */
  number (k: AttrKey): number | undefined {
    const j = this.find(k)
    if (j < 0) return undefined
    const pos = this.pos
    if (pos[j + A_REF] !== 0) return parseDecimal(decodeXmlText(this.xml.slice(pos[j + A_VALUE], pos[j + A_VALUE_END]), pos[j + A_VALUE]))
    return parseDecimalAt(this.xml, pos[j + A_VALUE], pos[j + A_VALUE_END])
  }

  /** Value of the attribute (see `find`), references decoded; undefined when absent. */
  string (k: AttrKey): string | undefined {
    const j = this.find(k)
    if (j < 0) return undefined
    const pos = this.pos
    const v = this.xml.slice(pos[j + A_VALUE], pos[j + A_VALUE_END])
    return pos[j + A_REF] !== 0 ? decodeXmlText(v, pos[j + A_VALUE]) : v
  }
}

export interface XmlHandler {
  /**
   * A start tag: its element id (`NameTable` id of the local name, 0 when
   * not in the table) and depth (root = 1). Return true to receive the
   * element's own text (direct text and CDATA children) in `close`; meant
   * for leaf elements (a capturing child replaces its parent's capture).
   */
  open: (el: number, depth: number, attrs: XmlAttributes) => boolean
  /** The matching end tag (also called for `<x/>`); `text` is set if `open` asked for it. */
  close: (el: number, depth: number, text: string | undefined) => void
}

/**
 * A start-tag layout seen before (learned from a tag the general path
 * validated): the qualified name, the attribute names with the exact text
 * around them, and the tag's end. Its sticky regex matches a start tag with
 * this layout and any attribute values free of "<" ([10] AttValue) and of
 * "&" (values with references take the general path), so a match is a
 * well-formed start tag whose offsets follow from the layout; the regex
 * engine checks the whole tag in one native call.
 */
interface TagTemplate {
  /** transitions: `2 * index` after this start tag, `2 * index + 1` after its end */
  readonly index: number
  readonly re: RegExp
  /** `</` qname S? `>` ([42] ETag) */
  readonly endRe: RegExp
  readonly qnameLength: number
  readonly localOffset: number
  readonly id: number
  readonly count: number
  /** per attribute: value start − (previous value end, or the name start) */
  readonly gap: number[]
  /** per attribute: its closing quote */
  readonly quote: string[]
  /** per attribute: value start − name start, − local name start, − name end */
  readonly nameRel: number[]
  readonly selfClosing: boolean
  /** AttrKey id → offset in XmlAttributes.pos (-1: no such attribute) */
  readonly keyIndex: number[]
}

/** Templates shared by the scans of one NameTable (what a radar sends repeats from frame to frame). */
class TemplateCache {
  static readonly MAX = 256
  readonly byKey = new Map<string, TagTemplate>()
  /** predicted next start tag after an event (see TagTemplate.index), and the one before it */
  trans: Array<TagTemplate | undefined> = []
  trans2: Array<TagTemplate | undefined> = []
  clear (): void {
    this.byKey.clear()
    this.trans = []
    this.trans2 = []
  }
}

const caches = new WeakMap<NameTable, TemplateCache>()
/** New templates one scan may make (compiling regexes is not free: a document of ever new layouts only uses the general path). */
const NEW_TEMPLATES_PER_SCAN = 48

/** A regex matching the text xml[from, to) literally. */
function literal (xml: string, from: number, to: number): string {
  let out = ''
  for (let k = from; k < to; k++) {
    const c = xml.charCodeAt(k)
    out += (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? xml[k] : '\\u' + c.toString(16).padStart(4, '0')
  }
  return out
}

function makeTemplate (cache: TemplateCache, xml: string, nameStart: number, nameEnd: number, localStart: number, id: number,
  pos: number[], count: number, tagEnd: number, selfClosing: boolean): TagTemplate {
  let src = ''
  let from = nameStart
  const gap: number[] = []
  const quote: string[] = []
  const nameRel: number[] = []
  const keyIndex: number[] = []
  for (let j = 0; j < A_SIZE * count; j += A_SIZE) {
    const vs = pos[j + A_VALUE]
    const q = xml[vs - 1]
    src += literal(xml, from, vs) + (q === '"' ? '[^"<&]*' : "[^'<&]*")
    gap.push(vs - from)
    quote.push(q)
    nameRel.push(vs - pos[j + A_NAME], vs - pos[j + A_LOCAL], vs - pos[j + A_NAME_END])
    from = pos[j + A_VALUE_END]
  }
  src += literal(xml, from, tagEnd)
  const known = cache.byKey.get(src)
  if (known !== undefined) return known
  if (cache.byKey.size >= TemplateCache.MAX) cache.clear()
  // resolve every AttrKey once, as XmlAttributes.find would (first attribute with that local name, xmlns:* excluded)
  for (const k of ATTR_KEYS) {
    let at = -1
    for (let j = 0; j < A_SIZE * count && at < 0; j += A_SIZE) {
      const ls = pos[j + A_LOCAL]
      if (pos[j + A_NAME_END] - ls === k.name.length && xml.startsWith(k.name, ls) &&
        !(ls !== pos[j + A_NAME] && xml.startsWith('xmlns:', pos[j + A_NAME]))) at = j
    }
    keyIndex[k.id] = at
  }
  const t: TagTemplate = {
    index: cache.byKey.size + 1,
    re: new RegExp(src, 'y'),
    endRe: new RegExp(literal(xml, nameStart, nameEnd) + '[ \\t\\r\\n]*>', 'y'),
    qnameLength: nameEnd - nameStart,
    localOffset: localStart - nameStart,
    id,
    count,
    gap,
    quote,
    nameRel,
    selfClosing,
    keyIndex
  }
  cache.byKey.set(src, t)
  return t
}

/** Scan `xml`, calling `h` for each element. Throws XmlSyntaxError when not well-formed. */
export function scanXml (xml: string, names: NameTable, h: XmlHandler): void {
  const len = xml.length
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0
  // open elements, by depth (1-based): qualified name offsets, element id, template
  const qStart = new Int32Array(MAX_XML_DEPTH + 1)
  const qEnd = new Int32Array(MAX_XML_DEPTH + 1)
  const ids = new Int32Array(MAX_XML_DEPTH + 1)
  const tpls: Array<TagTemplate | undefined> = new Array(MAX_XML_DEPTH + 1).fill(undefined)
  let cache = caches.get(names)
  if (cache === undefined) caches.set(names, cache = new TemplateCache())
  let budget = NEW_TEMPLATES_PER_SCAN
  let prev = 0 // the last event, as a transition index (0: none known)
  const attrs = new XmlAttributes()
  attrs.xml = xml
  const pos = attrs.pos
  let depth = 0
  let rootSeen = false
  let captureDepth = -1
  let text = ''
  let amp = xml.indexOf('&', i) // the next "&" at or after the last text checked (-1: none left)

  while (i < len) {
    // ---- character data up to the next "<" ([14] CharData, [67] Reference)
    let lt = i
    if (xml.charCodeAt(i) !== LT) {
      lt = xml.indexOf('<', i)
      const textEnd = lt < 0 ? len : lt
      if (depth === 0) {
        if (!onlyWhitespace(xml, i, textEnd)) fail(rootSeen ? 'text after the root element' : 'text before the root element', i)
      } else {
        if (amp >= 0 && amp < i) amp = xml.indexOf('&', i)
        if (amp >= 0 && amp < textEnd) {
          const decoded = decodeXmlText(xml.slice(i, textEnd), i) // checks every reference
          if (captureDepth === depth) text += decoded
        } else if (captureDepth === depth) {
          text += xml.slice(i, textEnd)
        }
      }
      if (lt < 0) break
    }
    const tagStart = lt
    i = lt + 1
    const c = xml.charCodeAt(i)

    if (c === SLASH) { // ---- end tag ([42] ETag: "</" Name S? ">"), WFC Element Type Match
      const nameStart = i + 1
      if (depth === 0) fail(`end tag </${endTagName(xml, nameStart, tagStart)}> without a start tag`, tagStart)
      const os = qStart[depth]
      const n = qEnd[depth] - os
      const t = tpls[depth]
      if (t !== undefined) {
        const re = t.endRe
        re.lastIndex = nameStart
        if (!re.test(xml)) fail(`end tag </${endTagName(xml, nameStart, tagStart)}> does not match <${xml.slice(os, os + n)}>`, tagStart)
        i = re.lastIndex
        prev = 2 * t.index + 1
      } else {
        let k = 0
        while (k < n && xml.charCodeAt(nameStart + k) === xml.charCodeAt(os + k)) k++
        let p = nameStart + n
        if (k === n) while (isWs(xml.charCodeAt(p))) p++
        if (k < n || xml.charCodeAt(p) !== GT) {
          fail(`end tag </${endTagName(xml, nameStart, tagStart)}> does not match <${xml.slice(os, os + n)}>`, tagStart)
        }
        i = p + 1
        prev = 0
      }
      let captured: string | undefined
      if (captureDepth === depth) { captured = text; captureDepth = -1; text = '' }
      h.close(ids[depth], depth, captured)
      depth--
      continue
    }

    if (c === BANG) {
      if (xml.startsWith('!--', i)) { // [15] Comment
        const e = xml.indexOf('-->', i + 3)
        if (e < 0) fail('unterminated comment', tagStart)
        i = e + 3
      } else if (xml.startsWith('![CDATA[', i)) { // [18] CDSect
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
      continue
    }

    if (c === QMARK) { // [16] PI or the XML declaration: skipped
      const e = xml.indexOf('?>', i + 1)
      if (e < 0) fail('unterminated processing instruction', tagStart)
      i = e + 2
      continue
    }

    // ---- start tag ([40] STag / [44] EmptyElemTag): [prefix:]local, then (S attribute)*, S?, "/>" or ">"
    const nameStart = i
    let nameEnd: number
    let localStart: number
    let count: number
    let selfClosing: boolean
    let tagEnd: number
    let el: number
    // 1. a layout seen before, predicted from the previous event (two candidates)
    let t = cache.trans[prev]
    if (t !== undefined) {
      t.re.lastIndex = nameStart
      if (!t.re.test(xml)) {
        t = cache.trans2[prev]
        if (t !== undefined) {
          t.re.lastIndex = nameStart
          if (t.re.test(xml)) { cache.trans2[prev] = cache.trans[prev]; cache.trans[prev] = t } else t = undefined
        }
      }
    }
    if (t !== undefined) {
      nameEnd = nameStart + t.qnameLength
      localStart = nameStart + t.localOffset
      count = t.count
      selfClosing = t.selfClosing
      tagEnd = t.re.lastIndex
      el = t.id
      let e = nameStart
      for (let k = 0, j = 0; k < count; k++, j += A_SIZE) {
        const vs = e + t.gap[k]
        e = xml.indexOf(t.quote[k], vs) // the regex matched: the value ends there
        pos[j + A_NAME] = vs - t.nameRel[3 * k]
        pos[j + A_LOCAL] = vs - t.nameRel[3 * k + 1]
        pos[j + A_NAME_END] = vs - t.nameRel[3 * k + 2]
        pos[j + A_VALUE] = vs
        pos[j + A_VALUE_END] = e
        pos[j + A_REF] = 0
      }
    } else {
      // 2. the general path: a character loop that checks everything, then learns the layout
      let colon = -1
      let p = i
      let cl = C_NAME
      for (;;) {
        const ch = xml.charCodeAt(p)
        if (ch < 128) {
          cl = CLASS[ch]
          if (cl === C_NAME) { p++; continue }
          if (cl !== C_COLON) break
          if (colon >= 0 || p === nameStart) fail('malformed start tag', tagStart)
          colon = p++
        } else if (ch >= 128) {
          if (isOtherSpace(ch)) notXmlSpace(ch, p)
          p++
        } else {
          fail('unterminated start tag', tagStart) // end of input (NaN)
        }
      }
      nameEnd = p
      if (nameEnd === nameStart || colon === nameEnd - 1) fail('malformed start tag', tagStart)
      count = 0
      selfClosing = false
      if (cl === C_WS) {
        // attributes ([41] Attribute: Name Eq AttValue), each after whitespace
        for (;;) {
          let ch = xml.charCodeAt(++p)
          while (isWs(ch)) ch = xml.charCodeAt(++p)
          if (ch === GT) break
          if (ch === SLASH) { selfClosing = true; break }
          const an = p
          let local = p
          for (;;) {
            if (ch < 128) {
              const k = ATTR_CLASS[ch]
              if (k === C_NAME) { ch = xml.charCodeAt(++p); continue }
              if (k === C_COLON) { local = ++p; ch = xml.charCodeAt(p); continue }
              break
            } else if (ch >= 128) {
              if (isOtherSpace(ch)) notXmlSpace(ch, p)
              ch = xml.charCodeAt(++p)
            } else {
              break
            }
          }
          const ane = p
          while (isWs(ch)) ch = xml.charCodeAt(++p)
          if (ane === an || ch !== EQ) badStartTag(xml, tagStart, nameStart, nameEnd, p)
          ch = xml.charCodeAt(++p)
          while (isWs(ch)) ch = xml.charCodeAt(++p)
          if (ch !== DQUOTE && ch !== SQUOTE) badStartTag(xml, tagStart, nameStart, nameEnd, p)
          const q = ch
          const vs = p + 1
          let ref = 0
          for (;;) {
            ch = xml.charCodeAt(++p)
            if (ch === q) break
            if (ch === LT || ch !== ch) badStartTag(xml, tagStart, nameStart, nameEnd, p) // "<" in a value ([10] AttValue), or end of input
            if (ch === AMP) ref = 1
          }
          if (ref !== 0) decodeXmlText(xml.slice(vs, p), vs) // checks every reference
          const j = A_SIZE * count++
          pos[j + A_NAME] = an
          pos[j + A_LOCAL] = local
          pos[j + A_NAME_END] = ane
          pos[j + A_VALUE] = vs
          pos[j + A_VALUE_END] = p
          pos[j + A_REF] = ref
          ch = xml.charCodeAt(++p)
          if (isWs(ch)) continue
          if (ch === GT) break
          if (ch === SLASH) { selfClosing = true; break }
          badStartTag(xml, tagStart, nameStart, nameEnd, p)
        }
      } else if (cl === C_SLASH) {
        selfClosing = true
      } else if (cl !== C_GT) {
        badStartTag(xml, tagStart, nameStart, nameEnd, p)
      }
      if (selfClosing) {
        if (xml.charCodeAt(++p) !== GT) badStartTag(xml, tagStart, nameStart, nameEnd, p)
      }
      tagEnd = p + 1
      localStart = colon >= 0 ? colon + 1 : nameStart
      el = names.lookup(xml, localStart, nameEnd)
      if (budget > 0 && count <= 32) {
        budget--
        t = makeTemplate(cache, xml, nameStart, nameEnd, localStart, el, pos, count, tagEnd, selfClosing)
        cache.trans2[prev] = cache.trans[prev]
        cache.trans[prev] = t
      }
    }
    if (depth === 0) {
      if (rootSeen) fail(`second root element <${xml.slice(nameStart, nameEnd)}>`, tagStart)
      rootSeen = true
    }
    if (depth >= MAX_XML_DEPTH) fail(`elements nested deeper than ${MAX_XML_DEPTH}`, tagStart)

    depth++
    qStart[depth] = nameStart
    qEnd[depth] = nameEnd
    ids[depth] = el
    tpls[depth] = t
    attrs.count = count
    attrs.localStart = localStart
    attrs.nameEnd = nameEnd
    attrs.keyIndex = t?.keyIndex
    const wantText = h.open(el, depth, attrs)
    if (selfClosing) {
      h.close(el, depth, wantText ? '' : undefined)
      depth--
      prev = t !== undefined ? 2 * t.index + 1 : 0
    } else {
      if (wantText) {
        captureDepth = depth
        text = ''
      }
      prev = t !== undefined ? 2 * t.index : 0
    }
    i = tagEnd
  }

  if (depth > 0) fail(`unclosed element <${xml.slice(qStart[depth], qEnd[depth])}>`, len)
  if (!rootSeen) fail('no root element', len)
}

/** The name of an end tag, for messages. */
function endTagName (xml: string, nameStart: number, tagStart: number): string {
  const gt = xml.indexOf('>', nameStart)
  if (gt < 0) fail('unterminated end tag', tagStart)
  let nameEnd = gt
  while (nameEnd > nameStart && isWs(xml.charCodeAt(nameEnd - 1))) nameEnd--
  return xml.slice(nameStart, nameEnd)
}

function badStartTag (xml: string, tagStart: number, nameStart: number, nameEnd: number, at: number): never {
  const c = xml.charCodeAt(at)
  if (c === 11 || c === 12 || isOtherSpace(c)) notXmlSpace(c, at)
  fail(`malformed or unterminated start tag <${xml.slice(nameStart, nameEnd)}> (attributes must be name="value" without "<"; at offset ${at})`, tagStart)
}
