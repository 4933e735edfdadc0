import t from 'tap'
import fc from 'fast-check'
import { RtspStreamParser, RtspParseError } from '../../src/rtsp/parser.js'
import { formatRequest, formatResponse, formatInterleaved, type RtspParsed, type RtspRequest } from '../../src/rtsp/message.js'

/** Feeds `data` split at the given cut points; returns everything parsed. */
function feed (parser: RtspStreamParser, data: Buffer, cuts: number[]): RtspParsed[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)
  const out: RtspParsed[] = []
  let prev = 0
  for (const p of [...points, data.length]) {
    out.push(...parser.push(data.subarray(prev, p)))
    prev = p
  }
  return out
}

const simplify = (items: RtspParsed[]): unknown[] => items.map((m) =>
  m.kind === 'interleaved'
    ? { kind: m.kind, channel: m.channel, payload: m.payload.toString('hex') }
    : { ...m, body: m.body.toString('hex'), rawHeaders: undefined })

t.test('parses a request with a body and case-insensitive headers', async (t) => {
  const p = new RtspStreamParser()
  const raw = Buffer.from('SET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 7\r\ncontent-TYPE: text/parameters\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello')
  const [m] = p.push(raw) as RtspRequest[]
  t.equal(m.kind, 'request')
  t.equal(m.method, 'SET_PARAMETER')
  t.equal(m.uri, 'rtsp://h/x')
  t.equal(m.version, 'RTSP/1.0')
  t.equal(m.headers.cseq, '7')
  t.equal(m.headers['content-type'], 'text/parameters')
  t.equal(m.headers['x-a'], '1, 2')
  t.same(m.rawHeaders[1], ['content-TYPE', 'text/parameters'])
  t.equal(m.body.toString(), 'hello')
  t.ok(p.idle)
})

t.test('parses responses, bare LF line ends, folded headers and leading blank lines', async (t) => {
  const p = new RtspStreamParser()
  const items = p.push(Buffer.from('\r\n\nRTSP/1.0 401 Unauthorized\nCSeq: 2\nWWW-Authenticate: Digest realm="a",\n  nonce="b"\n\n'))
  t.equal(items.length, 1)
  const r = items[0]
  if (r.kind !== 'response') throw new Error('expected a response')
  t.equal(r.status, 401)
  t.equal(r.reason, 'Unauthorized')
  t.equal(r.headers['www-authenticate'], 'Digest realm="a", nonce="b"')
})

t.test('interleaved frames between messages, split anywhere (property)', async (t) => {
  const arbPayload = fc.uint8Array({ minLength: 0, maxLength: 3000 }).map((a) => Buffer.from(a))
  const arbItem = fc.oneof(
    fc.record({ kind: fc.constant('interleaved' as const), channel: fc.integer({ min: 0, max: 255 }), payload: arbPayload }),
    fc.record({
      kind: fc.constant('request' as const),
      method: fc.constantFrom('OPTIONS', 'DESCRIBE', 'GET_PARAMETER', 'PLAY'),
      cseq: fc.integer({ min: 0, max: 1e6 }),
      body: fc.string({ maxLength: 200 })
    }),
    fc.record({ kind: fc.constant('response' as const), status: fc.constantFrom(200, 401, 454), cseq: fc.integer({ min: 0, max: 1e6 }), body: fc.string({ maxLength: 200 }) })
  )
  fc.assert(fc.property(fc.array(arbItem, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (items, cuts) => {
    const wire = Buffer.concat(items.map((it) => it.kind === 'interleaved'
      ? formatInterleaved(it.channel, it.payload)
      : it.kind === 'request'
        ? formatRequest({ method: it.method, uri: 'rtsp://127.0.0.1/x', cseq: it.cseq, body: it.body })
        : formatResponse({ status: it.status, cseq: it.cseq, body: it.body })))
    const whole = simplify(new RtspStreamParser().push(wire))
    const split = simplify(feed(new RtspStreamParser(), wire, cuts))
    t.same(split, whole)
    if (whole.length !== items.length) throw new Error(`parsed ${whole.length} of ${items.length}`)
    items.forEach((it, k) => {
      const got = whole[k] as Record<string, unknown>
      if (got.kind !== it.kind) throw new Error('kind mismatch')
      if (it.kind === 'interleaved' && got.payload !== it.payload.toString('hex')) throw new Error('payload mismatch')
      if (it.kind !== 'interleaved' && got.body !== Buffer.from(it.body).toString('hex')) throw new Error('body mismatch')
    })
  }), { numRuns: 300 })
})

t.test('byte-at-a-time feeding', async (t) => {
  const wire = Buffer.concat([
    formatRequest({ method: 'OPTIONS', uri: '*', cseq: 1 }),
    formatInterleaved(3, Buffer.from([1, 2, 3])),
    formatResponse({ status: 200, cseq: 1, body: 'x' })
  ])
  const p = new RtspStreamParser()
  const out: RtspParsed[] = []
  for (const b of wire) out.push(...p.push(Buffer.from([b])))
  t.same(out.map((m) => m.kind), ['request', 'interleaved', 'response'])
})

t.test('limits and garbage', async (t) => {
  const code = (input: string | Buffer, limits = {}): string => {
    try {
      new RtspStreamParser(limits).push(Buffer.isBuffer(input) ? input : Buffer.from(input))
      return 'ok'
    } catch (err) {
      if (!(err instanceof RtspParseError)) throw err
      return err.code
    }
  }
  t.equal(code('\x16\x03\x01'), 'garbage', 'a TLS hello on the plain port')
  t.equal(code('{"a":1}'), 'garbage')
  t.equal(code('hello world\r\n'), 'bad-start-line')
  t.equal(code('OPTIONS * RTSP/1.0\r\nno colon here\r\n\r\n'), 'bad-header')
  t.equal(code('OPTIONS * RTSP/1.0\r\n x\r\n\r\n'), 'bad-header', 'continuation before any header')
  t.equal(code('OPTIONS * RTSP/1.0\r\nX: ' + 'a'.repeat(17 * 1024)), 'header-too-large', 'detected before the line ends')
  t.equal(code('OPTIONS * RTSP/1.0\r\n' + 'X: a\r\n'.repeat(65) + '\r\n'), 'too-many-headers')
  t.equal(code('OPTIONS * RTSP/1.0\r\n' + 'X: a\r\n'.repeat(64) + '\r\n'), 'ok', '64 header lines are fine')
  t.equal(code('OPTIONS * RTSP/1.0\r\nContent-Length: 65537\r\n\r\n'), 'body-too-large')
  t.equal(code('OPTIONS * RTSP/1.0\r\nContent-Length: 65536\r\n\r\n'), 'ok', 'waiting for the 64 KiB body')
  t.equal(code('OPTIONS * RTSP/1.0\r\nContent-Length: -1\r\n\r\n'), 'bad-content-length')
  t.equal(code('OPTIONS * RTSP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'), 'bad-content-length')
  t.equal(code('OPTIONS * RTSP/1.0\r\nContent-Length: 0\r\n\r\n$'), 'ok', 'an interleaved frame may start after a message')
  t.equal(code('OPTIONS * RTSP/1.0\r\n\r\n\x00'), 'garbage', 'garbage after a message')

  const p = new RtspStreamParser()
  t.throws(() => p.push(Buffer.from('\x00')), { code: 'garbage' })
  t.ok(p.failed)
  t.throws(() => p.push(Buffer.from('OPTIONS * RTSP/1.0\r\n\r\n')), { code: 'failed' }, 'stays failed')
  p.reset()
  t.equal(p.push(Buffer.from('OPTIONS * RTSP/1.0\r\n\r\n')).length, 1, 'usable again after reset()')

  t.equal(new RtspParseError('body-too-large').status, 413)
  t.throws(() => new RtspStreamParser({ maxBodyBytes: 0 }))
})

t.test('messages completed before an error are attached to it', async (t) => {
  const p = new RtspStreamParser()
  try {
    p.push(Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n\x01'))
    t.fail('should throw')
  } catch (err) {
    t.equal((err as { parsed?: unknown[] }).parsed?.length, 1)
  }
})

t.test('large header blocks stay linear: 16 KiB header one byte at a time', async (t) => {
  const wire = Buffer.from('OPTIONS * RTSP/1.0\r\n' + `X: ${'a'.repeat(250)}\r\n`.repeat(60) + '\r\n')
  t.ok(wire.length < 16 * 1024)
  const p = new RtspStreamParser()
  let n = 0
  for (let i = 0; i < wire.length; i++) n += p.push(wire.subarray(i, i + 1)).length
  t.equal(n, 1)
})
