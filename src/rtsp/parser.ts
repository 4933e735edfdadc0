/**
 * Incremental RTSP stream parser: requests and responses (RFC 2326 §6, §7)
 * and interleaved binary frames (RFC 2326 §10.12) as they arrive on one TCP
 * or TLS connection, split across chunks at arbitrary byte positions.
 *
 * Usage:
 *   const parser = new RtspStreamParser()
 *   socket.on('data', (chunk) => {
 *     for (const item of parser.push(chunk)) { … item.kind is 'request' | 'response' | 'interleaved' … }
 *   })
 *
 * `push` throws an RtspParseError on a protocol violation; the parser then
 * stays failed (further pushes throw `failed`), because framing is lost and
 * the connection must be closed.
 *
 * Cost is linear in the input: the header block is copied once into a
 * bounded buffer and scanned only over new bytes; bodies and interleaved
 * payloads are gathered as chunk slices and joined once (a payload that lies
 * within one chunk is a zero-copy view of it).
 *
 * Line ends: CRLF, and bare LF as RFC 2326 §4 asks receivers to tolerate. A
 * bare CR as line end is not supported. Empty lines before a message are
 * skipped (RFC 2616 §4.1 leniency).
 */
import type { InterleavedFrame, RtspParsed, RtspRequest, RtspResponse } from './message.js'

export interface RtspParseLimits {
  /** Bytes of start line + headers + blank line. Default 16 KiB. */
  maxHeaderBytes: number
  /** Header lines after the start line (folded continuations count). Default 64. */
  maxHeaderLines: number
  /** Content-Length ceiling. Default 64 KiB. */
  maxBodyBytes: number
}

export const DEFAULT_LIMITS: Readonly<RtspParseLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  maxHeaderLines: 64,
  maxBodyBytes: 64 * 1024
})

/** The parser's error catalogue: code → description → RTSP status a server answers with. */
export const PARSE_ERRORS = {
  garbage: { status: 400, message: 'data where an RTSP message or interleaved frame must start' },
  'bad-start-line': { status: 400, message: 'malformed request or status line' },
  'bad-header': { status: 400, message: 'malformed header line' },
  'header-too-large': { status: 400, message: 'header block too large' },
  'too-many-headers': { status: 400, message: 'too many header lines' },
  'bad-content-length': { status: 400, message: 'malformed or conflicting Content-Length' },
  'body-too-large': { status: 413, message: 'message body too large' },
  failed: { status: 400, message: 'parser already failed; the connection must be closed' }
} as const

export type RtspParseErrorCode = keyof typeof PARSE_ERRORS

export class RtspParseError extends Error {
  readonly code: RtspParseErrorCode
  /** The RTSP status a server should answer with before closing. */
  readonly status: number
  constructor (code: RtspParseErrorCode, detail?: string) {
    super(detail === undefined ? PARSE_ERRORS[code].message : `${PARSE_ERRORS[code].message}: ${detail}`)
    this.name = 'RtspParseError'
    this.code = code
    this.status = PARSE_ERRORS[code].status
  }
}

const enum State { Start, Header, Body, InterleavedHeader, InterleavedPayload, Failed }

const DOLLAR = 0x24
const LF = 0x0a
const CR = 0x0d

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) ([A-Za-z]+\/\d+\.\d+)$/
const STATUS_LINE = /^(RTSP\/\d+\.\d+) (\d{3})(?: ([^\r\n]*))?$/
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/

const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)

export class RtspStreamParser {
  readonly limits: Readonly<RtspParseLimits>
  private state = State.Start
  // Header block: copied into one bounded buffer, scanned only over new bytes.
  private head: Buffer
  private headLen = 0
  private lineStart = 0
  private lines: string[] = []
  // Body or interleaved payload: slices gathered, joined once.
  private parts: Buffer[] = []
  private partsLen = 0
  private need = 0
  private pending: RtspRequest | RtspResponse | undefined
  // Interleaved header bytes (channel, length hi, length lo).
  private ilHeader = Buffer.alloc(3)
  private ilHeaderLen = 0
  private ilChannel = 0

  constructor (limits: Partial<RtspParseLimits> = {}) {
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...limits })
    for (const [k, v] of Object.entries(this.limits)) {
      if (!Number.isInteger(v) || v <= 0) throw new TypeError(`RtspStreamParser: ${k} must be a positive integer`)
    }
    this.head = Buffer.allocUnsafe(Math.min(1024, this.limits.maxHeaderBytes))
  }

  /** True between messages (nothing buffered): a clean place for the peer to stop. */
  get idle (): boolean { return this.state === State.Start }

  /** True once push() has thrown; the connection should be closed. */
  get failed (): boolean { return this.state === State.Failed }

  /**
   * Feeds bytes; returns the messages and interleaved frames completed by
   * them, in order. Throws RtspParseError on a protocol violation.
   */
  push (chunk: Buffer): RtspParsed[] {
    if (this.state === State.Failed) throw new RtspParseError('failed')
    const out: RtspParsed[] = []
    try {
      let i = 0
      const n = chunk.length
      while (i < n) {
        switch (this.state) {
          case State.Start: {
            const b = chunk[i]
            if (b === CR || b === LF) { i++; break }
            if (b === DOLLAR) {
              this.state = State.InterleavedHeader
              this.ilHeaderLen = 0
              i++
              break
            }
            // Request methods and "RTSP/" both start with a letter.
            if (!isLetter(b)) throw new RtspParseError('garbage', `byte 0x${b.toString(16).padStart(2, '0')}`)
            this.state = State.Header
            this.headLen = 0
            this.lineStart = 0
            this.lines = []
            break
          }
          case State.Header:
            i = this.consumeHeader(chunk, i, out)
            break
          case State.Body: {
            const take = Math.min(this.need, n - i)
            this.parts.push(chunk.subarray(i, i + take))
            this.partsLen += take
            this.need -= take
            i += take
            if (this.need === 0) {
              const msg = this.pending as RtspRequest | RtspResponse
              msg.body = this.joinParts()
              this.pending = undefined
              this.state = State.Start
              out.push(msg)
            }
            break
          }
          case State.InterleavedHeader: {
            this.ilHeader[this.ilHeaderLen++] = chunk[i++]
            if (this.ilHeaderLen === 3) {
              this.ilChannel = this.ilHeader[0]
              this.need = this.ilHeader.readUInt16BE(1)
              this.parts = []
              this.partsLen = 0
              if (this.need === 0) {
                out.push({ kind: 'interleaved', channel: this.ilChannel, payload: Buffer.alloc(0) })
                this.state = State.Start
              } else {
                this.state = State.InterleavedPayload
              }
            }
            break
          }
          case State.InterleavedPayload: {
            const take = Math.min(this.need, n - i)
            this.parts.push(chunk.subarray(i, i + take))
            this.partsLen += take
            this.need -= take
            i += take
            if (this.need === 0) {
              const frame: InterleavedFrame = { kind: 'interleaved', channel: this.ilChannel, payload: this.joinParts() }
              this.state = State.Start
              out.push(frame)
            }
            break
          }
          default:
            throw new RtspParseError('failed')
        }
      }
    } catch (err) {
      this.state = State.Failed
      this.parts = []
      this.pending = undefined
      if (err instanceof RtspParseError) {
        // Messages completed before the error are still delivered with it.
        ;(err as RtspParseError & { parsed?: RtspParsed[] }).parsed = out
      }
      throw err
    }
    return out
  }

  /** Resets to the initial state (e.g. for reuse on a new connection). */
  reset (): void {
    this.state = State.Start
    this.headLen = 0
    this.lineStart = 0
    this.lines = []
    this.parts = []
    this.partsLen = 0
    this.need = 0
    this.pending = undefined
    this.ilHeaderLen = 0
  }

  private joinParts (): Buffer {
    const parts = this.parts
    this.parts = []
    const len = this.partsLen
    this.partsLen = 0
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, len)
  }

  /** Copies header bytes up to the end of the header block; returns the new chunk position. */
  private consumeHeader (chunk: Buffer, i: number, out: RtspParsed[]): number {
    const max = this.limits.maxHeaderBytes
    while (i < chunk.length) {
      const lf = chunk.indexOf(LF, i)
      const end = lf < 0 ? chunk.length : lf + 1
      const len = end - i
      if (this.headLen + len > max) throw new RtspParseError('header-too-large', `more than ${max} bytes`)
      this.ensureHead(this.headLen + len)
      chunk.copy(this.head, this.headLen, i, end)
      this.headLen += len
      i = end
      if (lf < 0) return i
      // A complete line: [lineStart, headLen) ends with LF (and maybe CR before it).
      let lineEnd = this.headLen - 1
      if (lineEnd > this.lineStart && this.head[lineEnd - 1] === CR) lineEnd--
      const line = this.head.toString('latin1', this.lineStart, lineEnd)
      this.lineStart = this.headLen
      if (line === '') {
        this.finishHeader(out)
        return i
      }
      if (this.lines.length === 0) {
        // Check the start line at once, so garbage fails early.
        if (!REQUEST_LINE.test(line) && !STATUS_LINE.test(line)) throw new RtspParseError('bad-start-line', JSON.stringify(line.slice(0, 80)))
      } else if (this.lines.length > this.limits.maxHeaderLines) {
        throw new RtspParseError('too-many-headers', `more than ${this.limits.maxHeaderLines}`)
      }
      this.lines.push(line)
    }
    return i
  }

  private ensureHead (size: number): void {
    if (size <= this.head.length) return
    const next = Buffer.allocUnsafe(Math.min(this.limits.maxHeaderBytes, Math.max(size, this.head.length * 2)))
    this.head.copy(next, 0, 0, this.headLen)
    this.head = next
  }

  private finishHeader (out: RtspParsed[]): void {
    const [startLine, ...headerLines] = this.lines
    if (headerLines.length > this.limits.maxHeaderLines) throw new RtspParseError('too-many-headers', `more than ${this.limits.maxHeaderLines}`)
    const headers: Record<string, string> = Object.create(null)
    const rawHeaders: Array<[string, string]> = []
    for (const line of headerLines) {
      if (line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) {
        // RFC 822 style continuation (RFC 2326 §4.2 → RFC 2616 §2.2 LWS).
        const last = rawHeaders[rawHeaders.length - 1]
        if (last === undefined) throw new RtspParseError('bad-header', 'continuation line before any header')
        const more = line.trim()
        last[1] = last[1] === '' ? more : `${last[1]} ${more}`
        continue
      }
      const m = HEADER_LINE.exec(line)
      if (!m) throw new RtspParseError('bad-header', JSON.stringify(line.slice(0, 80)))
      rawHeaders.push([m[1], m[2]])
    }
    for (const [name, value] of rawHeaders) {
      const key = name.toLowerCase()
      const prev = headers[key]
      headers[key] = prev === undefined ? value : `${prev}, ${value}`
    }
    let length = 0
    const cl = headers['content-length']
    if (cl !== undefined) {
      // Repeated identical values are tolerated (joined "n, n"); conflicting ones are not.
      const values = new Set(cl.split(',').map((s) => s.trim()))
      if (values.size !== 1) throw new RtspParseError('bad-content-length', JSON.stringify(cl))
      const v = [...values][0]
      if (!/^\d{1,10}$/.test(v)) throw new RtspParseError('bad-content-length', JSON.stringify(cl))
      length = Number(v)
      if (length > this.limits.maxBodyBytes) throw new RtspParseError('body-too-large', `${length} > ${this.limits.maxBodyBytes} bytes`)
    }
    let msg: RtspRequest | RtspResponse
    const s = STATUS_LINE.exec(startLine)
    if (s) {
      msg = { kind: 'response', version: s[1], status: Number(s[2]), reason: s[3] ?? '', headers, rawHeaders, body: EMPTY }
    } else {
      const r = REQUEST_LINE.exec(startLine) as RegExpExecArray
      msg = { kind: 'request', method: r[1], uri: r[2], version: r[3], headers, rawHeaders, body: EMPTY }
    }
    this.lines = []
    this.headLen = 0
    this.lineStart = 0
    if (this.head.length > 4096) this.head = Buffer.allocUnsafe(1024) // do not keep a large buffer per idle connection
    if (length === 0) {
      this.state = State.Start
      out.push(msg)
    } else {
      this.pending = msg
      this.need = length
      this.parts = []
      this.partsLen = 0
      this.state = State.Body
    }
  }
}

const EMPTY = Buffer.alloc(0)
