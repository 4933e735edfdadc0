/**
 * The per-frame path (radar-link.md §3): bytes of an RTSP connection →
 * interleaved RTP (RFC 2326 §10.12) → RTP decode and reassembly up to the
 * marker bit → ONVIF frame document → RadarFrame → TrackFrame (with the
 * tracks that ended). The link feeds its RTSP socket through it; benchmarks
 * push raw bytes through the very same code.
 *
 * Lean by design: no logging, no timers, one TrackFrame per document;
 * RTSP responses that arrive between frames are handed to `onMessage`.
 * `push` throws on anything that breaks the stream (RtspParseError,
 * RtpError, MalformedFrameError): the caller ends the session.
 */
import { RtspStreamParser, type RtspParseLimits, type RtspMessage } from '../rtsp/index.js'
import { Reassembler, decodeRtp } from '../rtsp/rtp.js'
import { MalformedFrameError, readFrame } from '../onvif/read.js'
import { TrackEnder } from '../tracks/tracker.js'
import type { TrackFrame } from '../tracks/model.js'

export interface FramePipelineOptions {
  /** Interleaved channel carrying the metadata RTP (default 0; RTCP on others is ignored). */
  channel?: number
  /** RTSP responses (and requests) between frames. Default: ignored. */
  onMessage?: (msg: RtspMessage) => void
  /** Track end delay (default 1000 ms, radar-link.md §3). */
  endAfterMs?: number
  /** Clock for `receivedMs` (default Date.now). */
  now?: () => number
  /** RTSP parser limits (default the parser's). */
  limits?: Partial<RtspParseLimits>
  /** Largest reassembled document (default 1 MiB). */
  maxDocumentBytes?: number
}

export interface FramePipeline {
  /** Feeds bytes as they arrive; calls onFrame / onMessage synchronously. Throws on a broken stream. */
  push: (chunk: Buffer) => void
  /** Channel carrying the metadata (settable after SETUP). */
  channel: number
  /** Counters: frames delivered, documents dropped by reassembly (gaps). */
  readonly stats: { frames: number, dropped: number }
  /** Ends every open track (the stream went down); returns their ids. */
  endAll: () => string[]
}

/** A document whose UtcTime is not a date. */
function badTime (utcTime: string): MalformedFrameError {
  return new MalformedFrameError(`tt:Frame UtcTime ${JSON.stringify(utcTime.slice(0, 40))} is not a date`, 'value')
}

export function createFramePipeline (onFrame: (frame: TrackFrame) => void, opts: FramePipelineOptions = {}): FramePipeline {
  const parser = new RtspStreamParser(opts.limits)
  const reassembler = new Reassembler({ maxBytes: opts.maxDocumentBytes })
  const ender = new TrackEnder(opts.endAfterMs ?? 1000)
  const now = opts.now ?? Date.now
  const onMessage = opts.onMessage
  const stats = { frames: 0, dropped: 0 }

  const pipeline: FramePipeline = {
    channel: opts.channel ?? 0,
    stats,
    endAll: () => ender.endAll(),
    push (chunk: Buffer): void {
      const items = parser.push(chunk)
      for (let i = 0; i < items.length; i++) {
        const item = items[i]
        if (item.kind !== 'interleaved') {
          if (onMessage !== undefined) onMessage(item)
          continue
        }
        if (item.channel !== pipeline.channel) continue
        const r = reassembler.push(decodeRtp(item.payload))
        if (r.type !== 'document') {
          if (r.type === 'dropped') stats.dropped++
          continue
        }
        const frame = readFrame(r.payload)
        const timeMs = Date.parse(frame.utcTime)
        if (timeMs !== timeMs) throw badTime(frame.utcTime) // NaN
        stats.frames++
        onFrame({
          utcTime: frame.utcTime,
          timeMs,
          receivedMs: now(),
          objects: frame.objects,
          ended: ender.update(timeMs, frame.objects)
        })
      }
    }
  }
  return pipeline
}
