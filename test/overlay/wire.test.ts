import t from 'tap'
import { FrameReader } from './ws-client.js'
import { textFrame } from '../../src/overlay/wire.js'

/** Decodes with the test's own frame reader. */
async function decode (buf: Buffer): Promise<string> {
  const r = new FrameReader()
  r.push(buf)
  if (r.frames.length !== 1 || r.frames[0].opcode !== 1) throw new Error('not one text frame')
  return r.frames[0].payload.toString()
}

t.test('text frames of every header size decode to the same text', async (t) => {
  for (const n of [0, 1, 125, 126, 127, 65535, 65536, 200_000]) {
    const text = 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2)
    const frame = textFrame(text)
    t.equal(frame[0], 0x81, 'FIN + text')
    t.equal(frame[1] & 0x80, 0, 'unmasked')
    t.equal(await decode(frame), text, `${Buffer.byteLength(text)} bytes`)
  }
})

