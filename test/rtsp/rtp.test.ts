import t from 'tap'
import fc from 'fast-check'
import { encodeRtp, decodeRtp, packetize, Reassembler, RtpError } from '../../src/rtsp/rtp.js'

const opts = { sequenceNumber: 65530, timestamp: 0xfffffff0, ssrc: 0x12345678, payloadType: 98 }

t.test('encode/decode round trip', async (t) => {
  const buf = encodeRtp({ marker: true, payloadType: 98, sequenceNumber: 7, timestamp: 90000, ssrc: 1, csrc: [5, 6] }, Buffer.from('abc'))
  const p = decodeRtp(buf)
  t.equal(p.header.version, 2)
  t.equal(p.header.marker, true)
  t.equal(p.header.payloadType, 98)
  t.equal(p.header.sequenceNumber, 7)
  t.equal(p.header.timestamp, 90000)
  t.equal(p.header.ssrc, 1)
  t.same(p.header.csrc, [5, 6])
  t.equal(p.payload.toString(), 'abc')
  t.throws(() => encodeRtp({ marker: false, payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0 }, Buffer.alloc(0)), RangeError)
  t.throws(() => encodeRtp({ marker: false, payloadType: 1, sequenceNumber: 65536, timestamp: 0, ssrc: 0 }, Buffer.alloc(0)), RangeError)
})

t.test('decode handles padding and header extensions, rejects bad packets', async (t) => {
  // V=2 P=1 X=1 CC=0, M=1 PT=98, seq 1, ts 2, ssrc 3, ext profile 0xBEDE len 1 word, payload "hi", 3 bytes padding
  const buf = Buffer.from([0xb0, 0xe2, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xbe, 0xde, 0, 1, 1, 2, 3, 4, 0x68, 0x69, 0, 0, 3])
  const p = decodeRtp(buf)
  t.equal(p.header.padding, true)
  t.equal(p.header.extension, true)
  t.equal(p.header.extensionProfile, 0xbede)
  t.same([...(p.header.extensionData ?? [])], [1, 2, 3, 4])
  t.equal(p.payload.toString(), 'hi')
  const bad = (b: number[]): string => { try { decodeRtp(Buffer.from(b)); return 'ok' } catch (e) { return (e as RtpError).code } }
  t.equal(bad([0x80, 0]), 'short')
  t.equal(bad([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'version')
  t.equal(bad([0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'short', 'CSRC count past the end')
  t.equal(bad([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]), 'extension')
  t.equal(bad([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]), 'padding')
  t.equal(bad([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'padding', 'zero padding count')
})

t.test('packetize sets the marker on the last packet only and wraps sequence numbers', async (t) => {
  const doc = Buffer.alloc(3000, 0x61)
  const packets = packetize(doc, opts).map(decodeRtp)
  t.equal(packets.length, 3)
  t.same(packets.map((p) => p.header.marker), [false, false, true])
  t.same(packets.map((p) => p.header.sequenceNumber), [65530, 65531, 65532])
  t.same(packets.map((p) => p.payload.length), [1400, 1400, 200])
  t.ok(packets.every((p) => p.header.timestamp === opts.timestamp && p.header.ssrc === opts.ssrc && p.header.payloadType === 98))
  const wrap = packetize(Buffer.alloc(10), { ...opts, sequenceNumber: 65535, maxPayload: 4 }).map(decodeRtp)
  t.same(wrap.map((p) => p.header.sequenceNumber), [65535, 0, 1])
  const empty = packetize(Buffer.alloc(0), opts).map(decodeRtp)
  t.equal(empty.length, 1)
  t.equal(empty[0].header.marker, true)
  t.throws(() => packetize(doc, { ...opts, maxPayload: 0 }), RangeError)
})

t.test('reassembly of any documents at any packet size (property)', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 5000 }), { minLength: 1, maxLength: 8 }),
    fc.integer({ min: 1, max: 2000 }),
    fc.integer({ min: 0, max: 65535 }),
    (docs, maxPayload, seq0) => {
      const r = new Reassembler()
      let seq = seq0
      const out: Buffer[] = []
      docs.forEach((d, k) => {
        const packets = packetize(Buffer.from(d), { ...opts, sequenceNumber: seq, timestamp: k * 9000, maxPayload })
        seq = (seq + packets.length) & 0xffff
        for (const p of packets) {
          const res = r.push(p)
          if (res.type === 'document') out.push(res.payload)
          else if (res.type !== 'partial') throw new Error(`unexpected ${res.type}`)
        }
      })
      if (out.length !== docs.length) throw new Error('document count')
      out.forEach((b, k) => { if (!b.equals(Buffer.from(docs[k]))) throw new Error('content') })
    }), { numRuns: 200 })
  t.pass()
})

t.test('a sequence gap drops the partial document and resynchronises at the next marker', async (t) => {
  const r = new Reassembler()
  const a = packetize(Buffer.alloc(30, 0x61), { ...opts, sequenceNumber: 100, timestamp: 1, maxPayload: 10 }) // 100..102
  const b = packetize(Buffer.alloc(30, 0x62), { ...opts, sequenceNumber: 103, timestamp: 2, maxPayload: 10 }) // 103..105
  const c = packetize(Buffer.alloc(5, 0x63), { ...opts, sequenceNumber: 106, timestamp: 3, maxPayload: 10 }) // 106
  t.equal(r.push(a[0]).type, 'partial')
  // lose a[1]
  t.match(r.push(a[2]), { type: 'dropped', reason: 'gap', bytes: 20 })
  t.equal(r.push(b[0]).type, 'partial', 'a[2] carried the marker, so b starts clean')
  t.equal(r.push(b[1]).type, 'partial')
  t.match(r.push(b[2]), { type: 'document' })
  const d = packetize(Buffer.alloc(30, 0x64), { ...opts, sequenceNumber: 107, timestamp: 4, maxPayload: 10 }) // 107..109
  r.push(c[0])
  // lose d[0]: d[1] is mid-document → dropped, d[2] skipped, next document fine
  t.match(r.push(d[1]), { type: 'dropped', reason: 'gap' })
  t.equal(r.push(d[2]).type, 'skipped')
  const e = packetize(Buffer.from('ok'), { ...opts, sequenceNumber: 110, timestamp: 5 })
  const res = r.push(e[0])
  t.equal(res.type === 'document' && res.payload.toString(), 'ok')
  t.same(r.stats, { documents: 3, dropped: 2, gaps: 2 })
})

t.test('size cap drops the document and recovers', async (t) => {
  const r = new Reassembler({ maxBytes: 25 })
  const big = packetize(Buffer.alloc(40), { ...opts, sequenceNumber: 0, timestamp: 1, maxPayload: 10 })
  t.equal(r.push(big[0]).type, 'partial')
  t.equal(r.push(big[1]).type, 'partial')
  t.match(r.push(big[2]), { type: 'dropped', reason: 'too-large', bytes: 30 })
  t.equal(r.pendingBytes, 0)
  t.equal(r.push(big[3]).type, 'skipped')
  const ok = packetize(Buffer.alloc(25), { ...opts, sequenceNumber: 4, timestamp: 2, maxPayload: 10 })
  const results = ok.map((p) => r.push(p).type)
  t.same(results, ['partial', 'partial', 'document'])
  t.throws(() => new Reassembler({ maxBytes: -1 }))
})

t.test('a new timestamp without a marker interrupts the document', async (t) => {
  const r = new Reassembler()
  const a = packetize(Buffer.alloc(20), { ...opts, sequenceNumber: 0, timestamp: 1, maxPayload: 10 })
  const b = packetize(Buffer.alloc(20), { ...opts, sequenceNumber: 1, timestamp: 2, maxPayload: 10 })
  r.push(a[0])
  t.match(r.push(b[0]), { type: 'dropped', reason: 'interrupted', bytes: 10 })
  t.match(r.push(b[1]), { type: 'document' })
  r.reset()
  t.equal(r.push(a[1]).type, 'document', 'after reset any sequence number starts fresh')
})
