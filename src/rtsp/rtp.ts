/**
 * RTP (RFC 3550 §5.1) fixed header encode/decode, packetisation of one
 * application document (the ONVIF metadata of one radar frame) into RTP
 * packets with the marker bit on the last one (radar-link.md §3; ONVIF
 * Streaming spec §5.1.2.1: the marker bit ends an XML document), and the
 * receiving side's reassembly.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 */

export const RTP_VERSION = 2
export const RTP_HEADER_BYTES = 12
/** Payload bytes per packet by default: fits a 1500-byte MTU with IP/TCP/RTP headers. */
export const DEFAULT_MAX_PAYLOAD = 1400

/** RTP error catalogue. */
export const RTP_ERRORS = {
  short: 'packet shorter than its RTP header',
  version: 'RTP version is not 2',
  padding: 'invalid padding length',
  extension: 'header extension runs past the packet'
} as const
export type RtpErrorCode = keyof typeof RTP_ERRORS

export class RtpError extends Error {
  readonly code: RtpErrorCode
  constructor (code: RtpErrorCode, detail?: string) {
    super(detail === undefined ? RTP_ERRORS[code] : `${RTP_ERRORS[code]}: ${detail}`)
    this.name = 'RtpError'
    this.code = code
  }
}

export interface RtpHeader {
  /** Always 2 (decode rejects others). */
  version: number
  padding: boolean
  extension: boolean
  marker: boolean
  /** 0..127 */
  payloadType: number
  /** 0..65535 */
  sequenceNumber: number
  /** 0..2^32-1 */
  timestamp: number
  /** 0..2^32-1 */
  ssrc: number
  csrc: number[]
  /** RFC 3550 §5.3.1 header extension, when X is set. */
  extensionProfile?: number
  extensionData?: Buffer
}

export interface RtpPacket {
  header: RtpHeader
  /** The payload without padding (a view into the decoded buffer). */
  payload: Buffer
}

export interface RtpEncodeHeader {
  marker: boolean
  payloadType: number
  sequenceNumber: number
  timestamp: number
  ssrc: number
  csrc?: readonly number[]
}

const u32 = (n: number, what: string): number => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`RTP ${what} ${n} out of 0..2^32-1`)
  return n
}

function checkHeader (h: RtpEncodeHeader): void {
  if (!Number.isInteger(h.payloadType) || h.payloadType < 0 || h.payloadType > 127) throw new RangeError(`RTP payload type ${h.payloadType} out of 0..127`)
  if (!Number.isInteger(h.sequenceNumber) || h.sequenceNumber < 0 || h.sequenceNumber > 0xffff) throw new RangeError(`RTP sequence number ${h.sequenceNumber} out of 0..65535`)
  u32(h.timestamp, 'timestamp')
  u32(h.ssrc, 'SSRC')
  if (h.csrc !== undefined && h.csrc.length > 15) throw new RangeError('at most 15 CSRC identifiers')
}

/** Writes the fixed header (and CSRC list) into `buf` at 0; returns its length. */
function writeHeader (buf: Buffer, h: RtpEncodeHeader): number {
  const cc = h.csrc?.length ?? 0
  buf[0] = (RTP_VERSION << 6) | cc // P=0, X=0
  buf[1] = (h.marker ? 0x80 : 0) | h.payloadType
  buf.writeUInt16BE(h.sequenceNumber, 2)
  buf.writeUInt32BE(h.timestamp, 4)
  buf.writeUInt32BE(h.ssrc, 8)
  for (let k = 0; k < cc; k++) buf.writeUInt32BE(u32((h.csrc as readonly number[])[k], 'CSRC'), 12 + 4 * k)
  return RTP_HEADER_BYTES + 4 * cc
}

/** Encodes one RTP packet (no padding, no extension). */
export function encodeRtp (header: RtpEncodeHeader, payload: Buffer): Buffer {
  checkHeader(header)
  const headLen = RTP_HEADER_BYTES + 4 * (header.csrc?.length ?? 0)
  const buf = Buffer.allocUnsafe(headLen + payload.length)
  writeHeader(buf, header)
  payload.copy(buf, headLen)
  return buf
}

/**
 * Decodes one RTP packet (RFC 3550 §5.1): CSRC list, header extension
 * (§5.3.1) and padding (P bit: the last octet counts padding octets) are
 * handled. Throws RtpError.
 */
export function decodeRtp (buf: Buffer): RtpPacket {
  if (buf.length < RTP_HEADER_BYTES) throw new RtpError('short', `${buf.length} bytes`)
  const b0 = buf[0]
  const version = b0 >> 6
  if (version !== RTP_VERSION) throw new RtpError('version', `version ${version}`)
  const padding = (b0 & 0x20) !== 0
  const extension = (b0 & 0x10) !== 0
  const cc = b0 & 0x0f
  const b1 = buf[1]
  let off = RTP_HEADER_BYTES + 4 * cc
  if (buf.length < off) throw new RtpError('short', `${cc} CSRCs in ${buf.length} bytes`)
  const csrc: number[] = []
  for (let k = 0; k < cc; k++) csrc.push(buf.readUInt32BE(12 + 4 * k))
  const header: RtpHeader = {
    version,
    padding,
    extension,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    csrc
  }
  if (extension) {
    if (buf.length < off + 4) throw new RtpError('extension', 'no room for the extension header')
    header.extensionProfile = buf.readUInt16BE(off)
    const words = buf.readUInt16BE(off + 2)
    const end = off + 4 + 4 * words
    if (end > buf.length) throw new RtpError('extension', `${words} words`)
    header.extensionData = buf.subarray(off + 4, end)
    off = end
  }
  let end = buf.length
  if (padding) {
    const pad = buf[buf.length - 1]
    if (pad === 0 || end - pad < off) throw new RtpError('padding', `${pad} octets`)
    end -= pad
  }
  return { header, payload: buf.subarray(off, end) }
}

export interface PacketizeOptions {
  /** Payload bytes per packet; default 1400. */
  maxPayload?: number
  /** Sequence number of the first packet; following ones increment mod 2^16. */
  sequenceNumber: number
  /** Same timestamp on every packet of the document (one sampling instant). */
  timestamp: number
  ssrc: number
  payloadType: number
}

/**
 * Splits one document into RTP packets of at most `maxPayload` payload
 * bytes; the marker bit is set on the last one (radar-link.md §3). An empty
 * document becomes one empty packet with the marker set. The next free
 * sequence number is `(sequenceNumber + packets.length) & 0xffff`.
 */
export function packetize (payload: Buffer, opts: PacketizeOptions): Buffer[] {
  const max = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD
  if (!Number.isInteger(max) || max < 1 || max > 0xffff - RTP_HEADER_BYTES) throw new RangeError(`maxPayload ${max} out of 1..${0xffff - RTP_HEADER_BYTES}`)
  const base: RtpEncodeHeader = { marker: false, payloadType: opts.payloadType, sequenceNumber: opts.sequenceNumber, timestamp: opts.timestamp, ssrc: opts.ssrc }
  checkHeader(base)
  const count = Math.max(1, Math.ceil(payload.length / max))
  const packets: Buffer[] = new Array(count)
  for (let k = 0; k < count; k++) {
    const start = k * max
    const end = Math.min(payload.length, start + max)
    const buf = Buffer.allocUnsafe(RTP_HEADER_BYTES + end - start)
    base.marker = k === count - 1
    base.sequenceNumber = (opts.sequenceNumber + k) & 0xffff
    writeHeader(buf, base)
    payload.copy(buf, RTP_HEADER_BYTES, start, end)
    packets[k] = buf
  }
  return packets
}

export interface ReassemblerOptions {
  /** Largest document; a bigger one is dropped. Default 1 MiB. */
  maxBytes?: number
}

/** Why a partial document was thrown away. */
export type DropReason =
  /** Sequence numbers jumped: packets were lost (RFC 3550 §A.1). */
  | 'gap'
  /** The document grew past maxBytes. */
  | 'too-large'
  /** A new timestamp or SSRC began before the marker bit ended the document. */
  | 'interrupted'

export type ReassemblyResult =
  /** The packet was taken; the document is not complete yet. */
  | { type: 'partial' }
  /** The packet ended a document (marker bit). */
  | { type: 'document', payload: Buffer, timestamp: number, ssrc: number }
  /**
   * The partial document was dropped. After `gap` and `too-large`, packets are
   * discarded up to and including the next marker bit, since where the next
   * document starts is unknown; `bytes` counts what was thrown away so far.
   */
  | { type: 'dropped', reason: DropReason, bytes: number }
  /** Discarded while resynchronising after a drop. */
  | { type: 'skipped' }

/**
 * Joins the payloads of consecutive packets until the marker bit (one
 * document). Copies once per document.
 */
export class Reassembler {
  readonly maxBytes: number
  private parts: Buffer[] = []
  private size = 0
  private lastSeq: number | undefined
  private timestamp = 0
  private ssrc = 0
  private resync = false
  /** Counters for diagnostics. */
  readonly stats = { documents: 0, dropped: 0, gaps: 0 }

  constructor (opts: ReassemblerOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 1024 * 1024
    if (!Number.isInteger(this.maxBytes) || this.maxBytes <= 0) throw new TypeError('Reassembler: maxBytes must be a positive integer')
  }

  /** Bytes held for the current partial document. */
  get pendingBytes (): number { return this.size }

  /** Accepts a decoded packet (or raw bytes, decoded here; RtpError is thrown for a bad packet). */
  push (packet: RtpPacket | Buffer): ReassemblyResult {
    const p = Buffer.isBuffer(packet) ? decodeRtp(packet) : packet
    const { sequenceNumber: seq, marker, timestamp, ssrc } = p.header
    const expected = this.lastSeq === undefined ? seq : (this.lastSeq + 1) & 0xffff
    this.lastSeq = seq

    if (seq !== expected) {
      this.stats.gaps++
      const bytes = this.size + p.payload.length
      this.clear()
      this.stats.dropped++
      // The current packet's document lost its beginning (or is unknown): skip to the next marker.
      this.resync = !marker
      return { type: 'dropped', reason: 'gap', bytes }
    }
    if (this.resync) {
      if (marker) this.resync = false
      return { type: 'skipped' }
    }
    if (this.parts.length > 0 && (timestamp !== this.timestamp || ssrc !== this.ssrc)) {
      // The previous document never got its marker; this packet starts a new one.
      const bytes = this.size
      this.clear()
      this.stats.dropped++
      const r = this.take(p)
      // A document completed by this very packet wins; the drop is still counted in stats.
      return r.type === 'partial' ? { type: 'dropped', reason: 'interrupted', bytes } : r
    }
    return this.take(p)
  }

  /** Forgets any partial document and the sequence history (e.g. after a reconnect). */
  reset (): void {
    this.clear()
    this.lastSeq = undefined
    this.resync = false
  }

  private take (p: RtpPacket): ReassemblyResult {
    const { marker, timestamp, ssrc } = p.header
    if (this.size + p.payload.length > this.maxBytes) {
      const bytes = this.size + p.payload.length
      this.clear()
      this.stats.dropped++
      this.resync = !marker
      return { type: 'dropped', reason: 'too-large', bytes }
    }
    if (this.parts.length === 0) {
      this.timestamp = timestamp
      this.ssrc = ssrc
    }
    if (p.payload.length > 0) {
      this.parts.push(p.payload)
      this.size += p.payload.length
    }
    if (!marker) return { type: 'partial' }
    const payload = this.parts.length === 1 ? Buffer.from(this.parts[0]) : Buffer.concat(this.parts, this.size)
    this.clear()
    this.stats.documents++
    return { type: 'document', payload, timestamp, ssrc }
  }

  private clear (): void {
    this.parts = []
    this.size = 0
  }
}
