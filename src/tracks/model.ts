/**
 * What flows from the radar link to the overlay hub (one way): frames of
 * radar objects with the tracks that ended, and the radar's properties.
 */
import type { RadarObject, RadarProperties } from '../onvif/model.js'

export interface TrackFrame {
  /** The radar's frame time (UtcTime), ISO 8601. */
  utcTime: string
  /** The same in epoch milliseconds (NaN never: the reader validates it). */
  timeMs: number
  /** When the camera received the frame (epoch ms). */
  receivedMs: number
  objects: RadarObject[]
  /** Track ids unseen for the end-of-track delay (radar-link.md §3: 1 s). */
  ended: string[]
}

/** Where the link delivers what it reads; the overlay hub implements it. */
export interface TrackSink {
  /** A new radar connection is up: its properties (for the radar view). */
  radarUp: (properties: RadarProperties) => void
  frame: (frame: TrackFrame) => void
  /** The link stopped or failed: every open track has ended. */
  radarDown: (reason: string) => void
}

/** A sink that drops everything (a camera with no overlay, tests). */
export const NULL_SINK: TrackSink = { radarUp: () => {}, frame: () => {}, radarDown: () => {} }
