/**
 * Differential property-based tests (fast-check): the frame reader
 * (src/onvif/read.ts on the template-learning scanner) against the reader it
 * replaced, frozen in reference-reader.ts as the oracle. Valid frame
 * documents are generated with every freedom XML and the reader allow
 * (object counts, optional parts, namespace prefixes or none, attribute
 * order, quotes, whitespace, entities and character references, comments,
 * CDATA, PIs, numbers with signs / exponents / padding / references, unknown
 * elements and attributes), then mutated (truncation, character flips,
 * deletions, duplications, an inserted DOCTYPE, deep nesting, swapped or
 * renamed tags). Both readers must give the same RadarFrame, or both refuse
 * with the same MalformedFrameError reason (and the same message for
 * 'structure', 'value' and 'oversize'; scanner messages may word offsets
 * differently).
 *
 * Deliberate differences (the old reader was wrong; each also has a unit test
 * below) — the only disagreements accepted, and only as a 'not-xml' refusal
 * of the new reader with the matching message:
 *   1. references are checked in all text and all attribute values (XML 1.0
 *      WFC Entity Declared; the old reader only checked the ones it read, so
 *      `<tt:Event>&nbsp;</tt:Event>` or `pitch="&x;"` passed);
 *   2. inside tags only XML whitespace (S: space, tab, CR, LF) separates; the
 *      old reader's regexes also took JavaScript's \s (U+00A0, U+2028, \v, …).
 * Documents where one tag has two attributes with the same local name are
 * only checked for not crashing: the old reader's pick among them depended on
 * the order it asked for attributes; the new one takes the first.
 */
import t from 'tap'
import fc from 'fast-check'
import { isDeepStrictEqual } from 'node:util'
import { MalformedFrameError, MAX_FRAME_BYTES, readFrame } from '../../src/onvif/read.js'
import { MAX_XML_DEPTH } from '../../src/onvif/xml-scan.js'
import { MalformedFrameError as RefMalformedFrameError, readFrame as referenceReadFrame } from './reference-reader.js'

// ---- outcomes ---------------------------------------------------------------

type Outcome =
  | { kind: 'frame', value: unknown }
  | { kind: 'refused', reason: string, message: string }
  | { kind: 'crash', error: string }

function outcome (read: (x: string | Buffer) => unknown, input: string | Buffer): Outcome {
  try {
    return { kind: 'frame', value: read(input) }
  } catch (e) {
    if (e instanceof MalformedFrameError || e instanceof RefMalformedFrameError) return { kind: 'refused', reason: e.reason, message: e.message }
    return { kind: 'crash', error: String((e as Error)?.stack ?? e) }
  }
}

/** The deliberate differences (see the header), recognised by the new reader's message and the input. */
const OTHER_SPACE = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/
const GOOD_REF = /^&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/
function hasBadReference (doc: string): boolean {
  for (let k = doc.indexOf('&'); k >= 0; k = doc.indexOf('&', k + 1)) {
    const m = GOOD_REF.exec(doc.slice(k, k + 12))
    if (m === null) return true
    const code = m[0][2] === 'x' ? parseInt(m[0].slice(3), 16) : m[0][1] === '#' ? parseInt(m[0].slice(2), 10) : 65
    if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return true
  }
  return false
}
function deliberate (doc: string, got: Outcome): string | undefined {
  if (got.kind !== 'refused' || got.reason !== 'not-xml') return undefined
  if (/is not XML whitespace/.test(got.message) && OTHER_SPACE.test(doc)) return 'non-XML whitespace in a tag'
  if (/undefined entity|character reference|unterminated character or entity reference/.test(got.message) && hasBadReference(doc)) return 'reference checked'
  return undefined
}

/** Two attributes with the same local name in one start tag (see the header). */
function hasSameLocalAttributes (doc: string): boolean {
  for (const tag of doc.match(/<[^/!?<>][^<>]*>/g) ?? []) {
    const seen = new Set<string>()
    for (const m of tag.matchAll(/([^\s=<>/"']+)\s*=\s*(?:"[^"]*"|'[^']*')/g)) {
      const local = m[1].slice(m[1].lastIndexOf(':') + 1)
      if (seen.has(local)) return true
      seen.add(local)
    }
  }
  return false
}

let compared = 0
let frames = 0
let refusals = 0
const deliberateSeen = new Map<string, number>()

/** The property: same outcome as the oracle (or a deliberate difference); never a crash. */
function agrees (input: string | Buffer): boolean {
  const doc = typeof input === 'string' ? input : input.toString('utf8')
  const want = outcome(referenceReadFrame, input)
  const got = outcome(readFrame, input)
  if (got.kind === 'crash') throw new Error(`new reader crashed: ${got.error}`)
  if (want.kind === 'crash') throw new Error(`oracle crashed (a bug of the old reader, to look at): ${want.error}`)
  if (hasSameLocalAttributes(doc)) return true
  compared++
  if (got.kind === 'frame' && want.kind === 'frame') {
    frames++
    if (isDeepStrictEqual(got.value, want.value)) return true
    throw new Error(`frames differ:\n new ${JSON.stringify(got.value)}\n old ${JSON.stringify(want.value)}`)
  }
  if (got.kind === 'refused' && want.kind === 'refused' && got.reason === want.reason &&
    (got.reason === 'not-xml' || got.message === want.message)) {
    refusals++
    return true
  }
  const why = deliberate(doc, got)
  if (why !== undefined) {
    deliberateSeen.set(why, (deliberateSeen.get(why) ?? 0) + 1)
    return true
  }
  throw new Error(`outcomes differ:\n new ${JSON.stringify(got)}\n old ${JSON.stringify(want)}`)
}

// ---- a document model, serialised with random (valid) formatting ---------

interface El { ns: 'tt' | 'axrt' | 'none', name: string, attrs: Array<[string, string]>, kids: Node[] }
type Node = El | { text: string } | { cdata: string } | { comment: string } | { pi: string }

const el = (name: string, attrs: Array<[string, string]> = [], kids: Node[] = [], ns: El['ns'] = 'tt'): El => ({ ns, name, attrs, kids })

/** Numbers as text: plain (as radars send), and every other form the readers take or refuse. */
const numberText: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.boolean(), fc.nat({ max: 400 }), fc.nat({ max: 999999 }), fc.integer({ min: 0, max: 6 })).map(([neg, i, f, d]) => `${neg ? '-' : ''}${i}${d > 0 ? '.' + String(f).padStart(6, '0').slice(0, d) : ''}`) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('', '-', '+'), fc.nat({ max: 99 }), fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.nat({ max: 20 })).map(([s, m, e, es, x]) => `${s}${m}.5${e}${es}${x}`) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-0', '.5', '5.', '+1.25', ' 3.5 ', '\t7\n', '00012.50', '1234567890123456789', '0.1234567890123456789', '1e-7', '-1E+2') },
  { weight: 1, arbitrary: fc.constantFrom('', 'abc', '1e400', '0x10', '--1', 'Infinity', 'NaN', '1.2.3', '1,5', '.', '-', '1e', '\u00a01') }
)
/** Mostly numbers both readers take (a document has dozens: one bad one refuses it). */
const goodNumberText = numberText.filter((v) => !Number.isNaN(Number(v.trim())) && Number.isFinite(Number(v)) && /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/.test(v))
const num = fc.oneof({ weight: 40, arbitrary: goodNumberText }, { weight: 1, arbitrary: numberText })

/** Attribute or text content, written with references for some characters. */
function escape (value: string, rnd: () => number, inAttr: boolean): string {
  let out = ''
  for (const ch of value) {
    const r = rnd()
    if (ch === '&') out += r < 0.5 ? '&amp;' : '&#38;'
    else if (ch === '<') out += r < 0.5 ? '&lt;' : '&#x3C;'
    else if (ch === '>' && r < 0.5) out += '&gt;'
    else if (ch === '"' && inAttr) out += '&quot;'
    else if (ch === "'" && inAttr) out += r < 0.5 ? '&apos;' : '&#39;'
    else if (r < 0.05) out += `&#${ch.codePointAt(0) as number};`
    else if (r < 0.08) out += `&#x${(ch.codePointAt(0) as number).toString(16)};`
    else out += ch
  }
  return out
}

/** Deterministic choices from a seed (fast-check draws the seed; formatting needs many small choices). */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

interface Style { tt: string, axrt: string, seed: number, pretty: boolean, decl: boolean, bom: boolean }

function serialise (root: El, style: Style): string {
  const rnd = prng(style.seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]
  const ws = (): string => pick([' ', ' ', ' ', '  ', '\n', '\t', '\r\n', '\n    '])
  const maybeWs = (): string => (rnd() < 0.8 ? '' : ws())
  const between = (): string => (style.pretty ? pick(['\n', '\n  ', ' ', '\r\n\t']) : (rnd() < 0.9 ? '' : ws()))
  const qname = (e: El): string => {
    const prefix = e.ns === 'tt' ? style.tt : e.ns === 'axrt' ? style.axrt : ''
    return prefix === '' ? e.name : `${prefix}:${e.name}`
  }
  const write = (n: Node): string => {
    if ('text' in n) return escape(n.text, rnd, false)
    if ('cdata' in n) return `<![CDATA[${n.cdata}]]>`
    if ('comment' in n) return `<!--${n.comment}-->`
    if ('pi' in n) return `<?${n.pi}?>`
    const q = qname(n)
    const attrs = [...n.attrs]
    if (rnd() < 0.3) attrs.sort(() => rnd() - 0.5) // any attribute order
    let s = `<${q}`
    for (const [name, value] of attrs) {
      const quote = rnd() < 0.85 ? '"' : "'"
      s += `${ws()}${name}${maybeWs()}=${maybeWs()}${quote}${escape(value, rnd, true)}${quote}`
    }
    s += maybeWs()
    if (n.kids.length === 0 && rnd() < 0.8) return s + '/>'
    s += '>'
    // no formatting whitespace where the text is content (Speed, Type, Likelihood)
    const mixed = n.kids.some((k) => 'text' in k || 'cdata' in k)
    for (const k of n.kids) s += (mixed ? '' : between()) + write(k)
    return `${s}${n.kids.length > 0 && !mixed ? between() : ''}</${q}${maybeWs()}>`
  }
  const nsDecl = (prefix: string, uri: string): [string, string] => [prefix === '' ? 'xmlns' : `xmlns:${prefix}`, uri]
  root.attrs.unshift(nsDecl(style.tt, 'http://www.onvif.org/ver10/schema'))
  let doc = write(root)
  if (style.decl) doc = `<?xml version="1.0" encoding="UTF-8"?>${between()}${doc}`
  if (style.bom) doc = '\ufeff' + doc
  return doc
}

const idText = fc.oneof({ weight: 9, arbitrary: fc.nat({ max: 99999 }).map(String) }, { weight: 3, arbitrary: fc.string({ minLength: 0, maxLength: 6, unit: fc.constantFrom('1', '7', 'a', '&', '<', '>', '"', "'", ' ', 'é', '€', '\u00a0') }) })
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 })
const junk: fc.Arbitrary<Node> = fc.oneof(
  fc.record({ comment: fc.constantFrom(' c ', '', '<tt:Object ObjectId="9">', ' & - ') }),
  fc.record({ pi: fc.constantFrom('pi', 'x a="1"', 'xml-stylesheet href="s"') }),
  fc.constant(el('Extension', [['a', '1']], [el('Other', [], [{ text: 'x&y' }], 'none')])),
  fc.constant(el('Foo', [['x', 'not a number']], [], 'none'))
)

const objectArb: fc.Arbitrary<El> = fc.record({
  id: idText,
  box: maybe(fc.tuple(num, num, num, num)),
  cog: maybe(fc.tuple(num, num)),
  points: maybe(fc.array(fc.tuple(num, num), { maxLength: 4 })),
  cls: fc.constantFrom('none', 'Human', 'Vehicle', 'Other', 'Animal', 'legacy'),
  likelihood: num,
  subtype: fc.constantFrom('Unknown', 'SmallObject', 'Bird'),
  polar: fc.option(fc.tuple(num, num), { nil: undefined, freq: 8 }),
  velocity: maybe(fc.tuple(num, num)),
  size: maybe(num),
  geo: maybe(fc.tuple(num, num, fc.option(num, { nil: undefined }))),
  spherical: maybe(fc.tuple(num, fc.option(num, { nil: undefined }), num)),
  speed: maybe(fc.tuple(num, fc.constantFrom('text', 'cdata', 'split'))),
  yaw: maybe(num),
  extra: fc.array(junk, { maxLength: 2 })
}).map((o) => {
  const app: Node[] = []
  const shape: Node[] = []
  if (o.box !== undefined) shape.push(el('BoundingBox', [['bottom', o.box[0]], ['top', o.box[1]], ['right', o.box[2]], ['left', o.box[3]]]))
  if (o.cog !== undefined) shape.push(el('CenterOfGravity', [['x', o.cog[0]], ['y', o.cog[1]]]))
  if (o.points !== undefined) shape.push(el('Polygon', [], o.points.map(([x, y]) => el('Point', [['x', x], ['y', y]]))))
  if (shape.length > 0) app.push(el('Shape', [], shape))
  const type = (text: string, l?: string): El => el('Type', l === undefined ? [] : [['Likelihood', l]], [{ text }])
  if (o.cls === 'Human' || o.cls === 'Vehicle' || o.cls === 'Animal') app.push(el('Class', [], [type(o.cls, o.likelihood)]))
  else if (o.cls === 'Other') {
    app.push(el('Class', [], [
      el('ClassCandidate', [], [type('Other'), el('Likelihood', [], [{ text: o.likelihood }])]),
      el('Extension', [], [el('OtherTypes', [], [type(o.subtype), el('Likelihood', [], [{ text: '1.0' }])])]),
      type('Other', o.likelihood)
    ]))
  } else if (o.cls === 'legacy') {
    app.push(el('Class', [], [el('ClassCandidate', [], [type(' Vehical '), el('Likelihood', [], [{ cdata: o.likelihood }])])]))
  }
  const info: Node[] = []
  if (o.polar !== undefined) info.push(el('PolarCoordinate', [['angle', o.polar[0]], ['range', o.polar[1]]], [], 'axrt'))
  if (o.velocity !== undefined) info.push(el('Velocity', [['m-s', o.velocity[0]], ['angle', o.velocity[1]]], [], 'axrt'))
  if (o.size !== undefined) info.push(el('Size', [['m', o.size]], [], 'axrt'))
  if (info.length > 0) app.push(el('Extension', [], [el('RadarObjectInfo', [['xmlns:AXRT', 'http://www.axis.com/2017/radar/axrt']], info, 'axrt')]))
  if (o.geo !== undefined) app.push(el('GeoLocation', [['lon', o.geo[0]], ['lat', o.geo[1]], ...(o.geo[2] === undefined ? [] : [['elevation', o.geo[2]] as [string, string]])]))
  if (o.spherical !== undefined) {
    app.push(el('SphericalCoordinate', [['Distance', o.spherical[0]], ...(o.spherical[1] === undefined ? [] : [['ElevationAngle', o.spherical[1]] as [string, string]]), ['AzimuthAngle', o.spherical[2]]]))
  }
  if (o.speed !== undefined || o.yaw !== undefined) {
    const b: Node[] = []
    if (o.speed !== undefined) {
      const [v, form] = o.speed
      b.push(el('Speed', [], form === 'text' ? [{ text: v }] : form === 'cdata' ? [{ cdata: v }] : [{ text: v.slice(0, 1) }, { comment: 'split' }, { cdata: v.slice(1) }]))
    }
    if (o.yaw !== undefined) b.push(el('Direction', [['yaw', o.yaw], ['pitch', '0']]))
    app.push(el('Behaviour', [], b))
  }
  app.push(...o.extra)
  return el('Object', [['ObjectId', o.id]], [el('Appearance', [], app)])
})

const styleArb: fc.Arbitrary<Style> = fc.record({
  tt: fc.constantFrom('tt', 'tt', 'onvif', 'a', ''),
  axrt: fc.constantFrom('axrt', 'axrt', 'r', ''),
  seed: fc.nat(),
  pretty: fc.boolean(),
  decl: fc.boolean(),
  bom: fc.boolean()
})

const docArb: fc.Arbitrary<string> = fc.record({
  utc: fc.oneof({ weight: 4, arbitrary: fc.constant('2024-01-01T00:00:00.000000Z') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
  objects: fc.array(objectArb, { maxLength: 5 }),
  event: fc.boolean(),
  style: styleArb
}).map(({ utc, objects, event, style }) => {
  const frame = el('Frame', [['UtcTime', utc]], objects)
  const kids: Node[] = [el('VideoAnalytics', [], [frame])]
  if (event) kids.unshift(el('Event', [], [el('Foo', [['a', '1']], [], 'none')]))
  // the axrt declaration is written with the style's prefix
  const doc = serialise(el('MetadataStream', [], kids), style)
  return doc.replaceAll('xmlns:AXRT=', style.axrt === '' ? 'xmlns=' : `xmlns:${style.axrt}=`)
})

// ---- mutations ------------------------------------------------------------

const NASTY = ['<', '>', '/', '"', "'", '=', '&', ';', '!', '?', ':', ' ', '\n', 'x', '0', '-', '.', 'e', '#', '\u00a0', '\v', '\u2028', ']', '[']
type Mutation = (doc: string) => string
const at = (doc: string, r: number): number => Math.floor(r * (doc.length + 1))
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map((r) => (d: string) => d.slice(0, at(d, r))), // truncation
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...NASTY)).map(([r, ch]) => (d: string) => { const k = at(d, r); return d.slice(0, k) + ch + d.slice(k + 1) }), // flip
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...NASTY)).map(([r, ch]) => (d: string) => { const k = at(d, r); return d.slice(0, k) + ch + d.slice(k) }), // insert
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 20 })).map(([r, n]) => (d: string) => { const k = at(d, r); return d.slice(0, k) + d.slice(k + n) }), // delete
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 60 })).map(([r, s, n]) => (d: string) => { const k = at(d, r); const f = at(d, s); return d.slice(0, k) + d.slice(f, f + n) + d.slice(k) }), // duplicate a piece
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('<!DOCTYPE x>', '<!DOCTYPE x [<!ENTITY e "v">]>', '<!ENTITY e "v">', '<![CDATA[x]]>', '<!-- c -->', '<?p?>')).map(([r, s]) => (d: string) => { const k = at(d, r); return d.slice(0, k) + s + d.slice(k) }), // markup
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: MAX_XML_DEPTH - 8, max: MAX_XML_DEPTH + 4 })).map(([r, n]) => (d: string) => { // deep nesting around a tag
    const starts = [...d.matchAll(/<[A-Za-z]/g)].map((m) => m.index)
    const k = starts[Math.floor(r * starts.length)] ?? 0
    const close = d.indexOf('>', k)
    return d.slice(0, k) + '<d>'.repeat(n) + d.slice(k, close + 1) + '</d>'.repeat(n) + d.slice(close + 1)
  }),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })).map(([r, s]) => (d: string) => { // swap two tag names
    const tags = [...d.matchAll(/<\/?([A-Za-z][^\s/>]*)/g)]
    if (tags.length < 2) return d
    const a = tags[Math.min(tags.length - 1, Math.floor(r * tags.length))]; const b = tags[Math.min(tags.length - 1, Math.floor(s * tags.length))]
    const [x, y] = (a.index < b.index ? [a, b] : [b, a])
    const xs = x.index + x[0].length - x[1].length; const ys = y.index + y[0].length - y[1].length
    return d.slice(0, xs) + y[1] + d.slice(xs + x[1].length, ys) + x[1] + d.slice(ys + y[1].length)
  }),
  fc.tuple(fc.constantFrom('Frame', 'Object', 'Appearance', 'Point', 'Type', 'Speed', 'VideoAnalytics', 'Shape'), fc.constantFrom('Frame', 'Object', 'Polygon', 'Class', 'Behaviour', 'Other', 'OtherTypes')).map(([from, to]) => (d: string) => d.replace(new RegExp(`(</?(?:[^\\s/>:]+:)?)${from}(?=[\\s/>])`, 'g'), `$1${to}`)) // rename an element everywhere
)

// ---- the properties ---------------------------------------------------------

t.test('valid documents: the same frames as the old reader', async (t) => {
  fc.assert(fc.property(docArb, fc.boolean(), (doc, asBuffer) => agrees(asBuffer ? Buffer.from(doc) : doc)), { numRuns: 600 })
  t.ok(frames > 100, `${frames} frames compared, ${refusals} refusals`)
})

t.test('mutated documents: the same frames or the same refusals as the old reader', async (t) => {
  fc.assert(fc.property(docArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (doc, mutations, asBuffer) => {
    let d = doc
    for (const m of mutations) d = m(d)
    return agrees(asBuffer ? Buffer.from(d) : d)
  }), { numRuns: 2500 })
  t.ok(compared > 2000, `${compared} outcomes compared (${frames} frames, ${refusals} refusals); deliberate differences seen: ${JSON.stringify([...deliberateSeen])}`)
})

t.test('bench-like frames (50 objects, the simulator\'s layout) repeated: the learned layouts give the same answers', async (t) => {
  // the same layout many times, then a variant per document: exercises the template cache and its predictions
  fc.assert(fc.property(fc.array(objectArb, { minLength: 20, maxLength: 50 }), styleArb, (objects, style) => {
    const frame = el('Frame', [['UtcTime', 't']], objects)
    const doc = serialise(el('MetadataStream', [], [el('VideoAnalytics', [], [frame])]), { ...style, pretty: false })
    return agrees(doc) && agrees(doc)
  }), { numRuns: 40 })
  t.pass()
})

t.test('sizes around the cap agree', async (t) => {
  const base = '<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame UtcTime="t"/></tt:VideoAnalytics></tt:MetadataStream>'
  for (const extra of [-1, 0, 1]) {
    const pad = MAX_FRAME_BYTES - base.length - 7 + extra
    const doc = base.replace('<tt:VideoAnalytics>', `<tt:VideoAnalytics><!--${'x'.repeat(pad)}-->`)
    t.ok(agrees(doc), `length ${doc.length}`)
    t.ok(agrees(Buffer.from(doc)), `Buffer ${doc.length}`)
  }
})

// ---- the deliberate differences, one by one ----------------------------------

function refusal (input: string): { reason: string, message: string } | undefined {
  const o = outcome(readFrame, input)
  return o.kind === 'refused' ? o : undefined
}

const OK = '<tt:MetadataStream xmlns:tt="x"><tt:VideoAnalytics><tt:Frame UtcTime="t"><tt:Object ObjectId="7"><tt:Appearance>' +
  '<tt:Extension><a:RadarObjectInfo xmlns:a="y"><a:PolarCoordinate angle="-10" range="20"/></a:RadarObjectInfo></tt:Extension>' +
  '<tt:Behaviour><tt:Speed>1.5</tt:Speed><tt:Direction yaw="90" pitch="0"/></tt:Behaviour>' +
  '</tt:Appearance></tt:Object></tt:Frame></tt:VideoAnalytics></tt:MetadataStream>'

t.test('fixed: references are checked everywhere, also where the reader reads nothing', async (t) => {
  t.equal(readFrame(OK).objects[0].speed, 1.5)
  const cases: Array<[string, string]> = [
    ['an attribute it does not read', OK.replace('pitch="0"', 'pitch="&nbsp;"')],
    ['an attribute of an element it ignores', OK.replace('<tt:VideoAnalytics>', '<tt:VideoAnalytics><tt:Foo a="&x;"/>')],
    ['text of an element it ignores', OK.replace('<tt:VideoAnalytics>', '<tt:VideoAnalytics><tt:Foo>a &unknown; b</tt:Foo>')],
    ['a bare "&"', OK.replace('<tt:VideoAnalytics>', '<tt:VideoAnalytics><tt:Foo>fish & chips</tt:Foo>')],
    ['an invalid character reference', OK.replace('pitch="0"', 'pitch="&#0;"')]
  ]
  for (const [name, doc] of cases) {
    t.equal(outcome(referenceReadFrame, doc).kind, 'frame', `${name}: the old reader accepted it`)
    const r = refusal(doc)
    t.equal(r?.reason, 'not-xml', name)
    t.match(r?.message ?? '', /entity|reference/, name)
  }
  // valid references in the same places are fine
  t.equal(readFrame(OK.replace('pitch="0"', 'pitch="&amp;&#48;&#x30;"').replace('<tt:VideoAnalytics>', '<tt:VideoAnalytics><tt:Foo>&lt;&gt;&quot;&apos;</tt:Foo>')).objects.length, 1)
  // and "&" in comments, CDATA and PIs is no reference
  t.equal(readFrame(OK.replace('<tt:VideoAnalytics>', '<tt:VideoAnalytics><!-- & --><?p & ?><tt:Foo><![CDATA[ & ]]></tt:Foo>')).objects.length, 1)
})

t.test('fixed: only XML whitespace separates inside tags', async (t) => {
  for (const sp of ['\u00a0', '\u2028', '\v', '\f', '\u3000', '\ufeff']) {
    const doc = OK.replace('<tt:Direction yaw="90" pitch="0"/>', `<tt:Direction yaw="90"${sp}pitch="0"/>`)
    t.equal(outcome(referenceReadFrame, doc).kind, 'frame', `U+${sp.charCodeAt(0).toString(16)}: the old reader accepted it`)
    const r = refusal(doc)
    t.equal(r?.reason, 'not-xml')
    t.match(r?.message ?? '', /is not XML whitespace/)
    t.equal(refusal(OK.replace('</tt:Frame>', `</tt:Frame${sp}>`))?.reason, 'not-xml', 'in an end tag too')
  }
  // in values and text they are content
  t.equal(readFrame(OK.replace('ObjectId="7"', 'ObjectId="7\u00a0"')).objects[0].id, '7\u00a0')
  t.equal(readFrame(OK.replace('<tt:Speed>1.5', '<tt:Speed>\u00a01.5')).objects[0].speed, 1.5)
  // and XML's own whitespace is fine everywhere it may be
  t.equal(readFrame(OK.replace('<tt:Direction yaw="90" pitch="0"/>', '<tt:Direction\r\n\tyaw =\t"90"\n pitch= \'0\' \n/>')).objects[0].direction, 90)
})

t.test('two attributes with the same local name: the first one counts', async (t) => {
  const doc = OK.replace('yaw="90"', 'yaw="90" b:yaw="45"')
  t.equal(readFrame(doc).objects[0].direction, 90)
  t.equal(readFrame(OK.replace('yaw="90"', 'b:yaw="45" yaw="90"')).objects[0].direction, 45)
  t.equal(readFrame(OK.replace('yaw="90"', 'xmlns:yaw="u" yaw="90"')).objects[0].direction, 90, 'xmlns:* is never an attribute')
})
