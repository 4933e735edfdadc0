/**
 * Pre-framed WebSocket messages (RFC 6455 §5.2): a server-to-client text
 * frame (FIN, opcode 1, unmasked) built once, so that fanning one message out
 * to N clients costs N socket writes of the same Buffer and nothing else.
 */

/** One complete unmasked text frame carrying `text` (UTF-8). */
export function textFrame (text: string): Buffer {
  const length = Buffer.byteLength(text)
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10
  const out = Buffer.allocUnsafe(header + length)
  out[0] = 0x81 // FIN + text
  if (header === 2) {
    out[1] = length
  } else if (header === 4) {
    out[1] = 126
    out.writeUInt16BE(length, 2)
  } else {
    out[1] = 127
    out.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2)
    out.writeUInt32BE(length >>> 0, 6)
  }
  out.write(text, header, 'utf8')
  return out
}
