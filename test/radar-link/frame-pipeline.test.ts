import t from 'tap'
import { createFramePipeline } from '../../src/radar-link/frame-pipeline.js'
import { formatInterleaved, formatResponse, packetize, RtpError, RtspParseError } from '../../src/rtsp/index.js'
import { writeFrame, formatUtcTime } from '../../src/onvif/write.js'
import { MalformedFrameError } from '../../src/onvif/read.js'
import type { TrackFrame } from '../../src/tracks/model.js'
import type { RtspMessage } from '../../src/rtsp/message.js'
import { radarObject } from './sim-helper.js'

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0)

/** Interleaved bytes of a stream of frames: frame i at T0 + 100 i ms, ids per frame from `ids(i)`. */
function stream (count: number, ids: (i: number) => string[], opts: { maxPayload?: number, channel?: number } = {}): Buffer {
  const parts: Buffer[] = []
  let seq = 100
  for (let i = 0; i < count; i++) {
    const xml = writeFrame({ utcTime: formatUtcTime(T0 + 100 * i), objects: ids(i).map((id) => radarObject(id, i)) })
    const packets = packetize(Buffer.from(xml), { sequenceNumber: seq, timestamp: i * 9000, ssrc: 7, payloadType: 98, maxPayload: opts.maxPayload ?? 1400 })
    seq += packets.length
    for (const p of packets) parts.push(formatInterleaved(opts.channel ?? 0, p))
  }
  return Buffer.concat(parts)
}

t.test('frames reassembled from split packets and arbitrary chunks, ended tracks reported', async (t) => {
  // Object 2 is seen in frames 0..2 (until T0+200 ms), so it ends at the first frame ≥ 1 s later: frame 12.
  const bytes = stream(20, (i) => i < 3 ? ['1', '2'] : ['1'], { maxPayload: 300 })
  for (const chunkSize of [1, 7, 1000, bytes.length]) {
    const frames: TrackFrame[] = []
    const p = createFramePipeline((f) => frames.push(f), { now: () => 42 })
    for (let off = 0; off < bytes.length; off += chunkSize) p.push(bytes.subarray(off, off + chunkSize))
    t.equal(frames.length, 20, `chunk ${chunkSize}: every frame`)
    t.equal(p.stats.frames, 20)
    t.same(frames[0].objects.map((o) => o.id), ['1', '2'])
    t.equal(frames[0].timeMs, T0)
    t.equal(frames[0].utcTime, formatUtcTime(T0))
    t.equal(frames[0].receivedMs, 42)
    t.equal(frames[0].objects[0].range, radarObject('1', 0).range)
    const endedAt = frames.findIndex((f) => f.ended.length > 0)
    t.equal(endedAt, 12, 'object 2 ends 1 s after it was last seen')
    t.same(frames[endedAt].ended, ['2'])
    t.same(p.endAll(), ['1'])
  }
})

t.test('RTSP responses between frames go to onMessage; other channels are ignored', async (t) => {
  const messages: RtspMessage[] = []
  const frames: TrackFrame[] = []
  const p = createFramePipeline((f) => frames.push(f), { onMessage: (m) => messages.push(m) })
  const rtcp = formatInterleaved(1, Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 7]))
  p.push(Buffer.concat([
    stream(2, () => ['1']),
    formatResponse({ status: 200, cseq: 5, headers: { Session: 'abc' } }),
    rtcp,
    stream(1, () => ['1'])
  ]))
  t.equal(messages.length, 1)
  t.equal(messages[0].kind === 'response' && messages[0].status, 200)
  t.equal(frames.length, 2, 'the third frame restarts sequence numbers: a gap drops it')
  const q = createFramePipeline((f) => frames.push(f), { channel: 2 })
  q.push(stream(3, () => ['1'], { channel: 2 }))
  t.equal(q.stats.frames, 3)
})

t.test('broken streams throw', async (t) => {
  const p = createFramePipeline(() => {})
  const bad = packetize(Buffer.from('<tt:MetadataStream><oops'), { sequenceNumber: 1, timestamp: 0, ssrc: 1, payloadType: 98 })
  t.throws(() => p.push(formatInterleaved(0, bad[0])), MalformedFrameError)
  const p2 = createFramePipeline(() => {})
  t.throws(() => p2.push(formatInterleaved(0, Buffer.from([0x40, 0, 0, 0]))), RtpError)
  const p3 = createFramePipeline(() => {})
  t.throws(() => p3.push(Buffer.from('\x01garbage\r\n\r\n')), RtspParseError)
  const p4 = createFramePipeline(() => {})
  const noTime = writeFrame({ utcTime: 'yesterday', objects: [] })
  t.throws(() => p4.push(formatInterleaved(0, packetize(Buffer.from(noTime), { sequenceNumber: 1, timestamp: 0, ssrc: 1, payloadType: 98 })[0])), MalformedFrameError)
})

t.test('throughput: 1,000 frames of 50 objects (rate reported; the XML reader dominates)', async (t) => {
  const ids = Array.from({ length: 50 }, (_, k) => String(k + 1))
  const bytes = stream(200, () => ids)
  let n = 0
  const p = createFramePipeline((f) => { n += f.objects.length })
  const start = process.hrtime.bigint()
  for (let r = 0; r < 5; r++) {
    const q = r === 0 ? p : createFramePipeline((f) => { n += f.objects.length })
    for (let off = 0; off < bytes.length; off += 16384) q.push(bytes.subarray(off, off + 16384))
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  t.equal(n, 1000 * 50)
  t.comment(`1,000 frames × 50 objects: ${ms.toFixed(0)} ms (${Math.round(1000 / (ms / 1000))} frames/s)`)
  t.ok(ms < 10_000, 'no pathological slowness (the benchmark measures the real rate)')
})
