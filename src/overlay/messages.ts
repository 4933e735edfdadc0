/**
 * The data-stream messages as JSON text (spec: overlay-stream.md): ADF scene
 * frames from radar frames, the radar view, and ONVIF-style event
 * notifications. Pure: each function builds the final text once; the hub
 * frames it once and sends the same bytes to every client.
 */
import type { RadarObject, RadarProperties, ViewBox } from '../onvif/model.js'
import type { TrackFrame } from '../tracks/model.js'

export const API_VERSION = '1.0'

export const SOURCES = ['events', 'analytics-scene-description'] as const
export type Source = typeof SOURCES[number]

export const METHODS = {
  eventsConfigure: 'events:configure',
  eventsNotify: 'events:notify',
  sceneConfigure: 'analytics-scene-description:configure',
  sceneNotify: 'analytics-scene-description:notify'
} as const

/** The video channel the radar overlay belongs to (the camera has one). */
export const CHANNEL = '1'

export const TOPICS = {
  motionAlarm: 'tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY',
  radarFailure: 'tns1:Device/tnsaxis:HardwareFailure/RadarFailure',
  pairingState: 'tnsaxis:NetworkRadarPairing/State'
} as const

// ── scene (analytics-scene-description) ──────────────────────────────────

/** An ADF bounding box: [0, 1], origin top-left, y down. */
export interface AdfBox { left: number, top: number, right: number, bottom: number }

const clamp01 = (v: number): number => (v > 1 ? 1 : v >= 0 ? v : 0) // NaN → 0
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6

/** ONVIF [-1, 1] y-up → ADF [0, 1] y-down, clamped; swapped edges are put in order. */
export function toAdfBox (b: ViewBox): AdfBox {
  const x1 = clamp01((b.left + 1) / 2)
  const x2 = clamp01((b.right + 1) / 2)
  const y1 = clamp01((1 - b.top) / 2)
  const y2 = clamp01((1 - b.bottom) / 2)
  return {
    left: round6(Math.min(x1, x2)),
    top: round6(Math.min(y1, y2)),
    right: round6(Math.max(x1, x2)),
    bottom: round6(Math.max(y1, y2))
  }
}

export interface AdfObservation {
  track_id: string
  timestamp: string
  bounding_box: AdfBox
  class: { type: string, score: number }
  radar: { range: number, azimuth: number, speed: number, direction: number }
}

export interface AdfFrame {
  timestamp: string
  observations: AdfObservation[]
  operations: Array<{ id: string, type: 'DeleteOperation' }>
}

const num = (v: number): number => (Number.isFinite(v) ? v : 0)

export function toObservation (o: RadarObject, timestamp: string): AdfObservation {
  return {
    track_id: o.id,
    timestamp,
    bounding_box: toAdfBox(o.box),
    class: { type: o.class, score: num(o.likelihood) },
    radar: { range: num(o.range), azimuth: num(o.angle), speed: num(o.speed), direction: num(o.direction) }
  }
}

export function toAdfFrame (frame: Pick<TrackFrame, 'utcTime' | 'objects' | 'ended'>): AdfFrame {
  const observations = new Array<AdfObservation>(frame.objects.length)
  for (let i = 0; i < frame.objects.length; i++) observations[i] = toObservation(frame.objects[i], frame.utcTime)
  const operations = new Array<{ id: string, type: 'DeleteOperation' }>(frame.ended.length)
  for (let i = 0; i < frame.ended.length; i++) operations[i] = { id: frame.ended[i], type: 'DeleteOperation' }
  return { timestamp: frame.utcTime, observations, operations }
}

/** What a client needs to draw the radar's field of view (Decision). */
export interface RadarView { minRange: number, maxRange: number, minAngle: number, maxAngle: number }

export function radarViewOf (p: RadarProperties): RadarView {
  return { minRange: p.minDetectionRange, maxRange: p.maxDetectionRange, minAngle: p.minHorizontalAngle, maxAngle: p.maxHorizontalAngle }
}

const sceneNotification = (timestamp: number, data: unknown): string => JSON.stringify({
  apiVersion: API_VERSION,
  method: METHODS.sceneNotify,
  params: { notification: { timestamp, message: { source: { channel: CHANNEL }, data } } }
})

const SCENE_HEAD = `{"apiVersion":"${API_VERSION}","method":"${METHODS.sceneNotify}","params":{"notification":{"timestamp":`

/**
 * The notification text of one radar frame: the same JSON as
 * `sceneNotification(timeMs, { frame: toAdfFrame(frame) })` (the tests hold
 * them equal), written directly — this runs for every radar frame.
 */
export function frameNotification (frame: Pick<TrackFrame, 'utcTime' | 'timeMs' | 'objects' | 'ended'>): string {
  const ts = JSON.stringify(frame.utcTime)
  let out = SCENE_HEAD + String(num(frame.timeMs)) + ',"message":{"source":{"channel":"' + CHANNEL + '"},"data":{"frame":{"timestamp":' + ts + ',"observations":['
  const objects = frame.objects
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]
    const b = toAdfBox(o.box)
    if (i > 0) out += ','
    out += '{"track_id":' + JSON.stringify(o.id) + ',"timestamp":' + ts +
      ',"bounding_box":{"left":' + b.left + ',"top":' + b.top + ',"right":' + b.right + ',"bottom":' + b.bottom +
      '},"class":{"type":' + JSON.stringify(o.class) + ',"score":' + num(o.likelihood) +
      '},"radar":{"range":' + num(o.range) + ',"azimuth":' + num(o.angle) + ',"speed":' + num(o.speed) + ',"direction":' + num(o.direction) + '}}'
  }
  out += '],"operations":['
  const ended = frame.ended
  for (let i = 0; i < ended.length; i++) out += (i > 0 ? ',{"id":' : '{"id":') + JSON.stringify(ended[i]) + ',"type":"DeleteOperation"}'
  return out + ']}}}}}}'
}

/** The straightforward (slower) form of frameNotification, for tests. */
export function frameNotificationReference (frame: Pick<TrackFrame, 'utcTime' | 'timeMs' | 'objects' | 'ended'>): string {
  return sceneNotification(frame.timeMs, { frame: toAdfFrame(frame) })
}

/** The radar view notification (null while no radar has been seen). */
export function radarViewNotification (view: RadarView | null, now: number): string {
  return sceneNotification(now, { radarView: view })
}

// ── events ────────────────────────────────────────────────────────────────

export interface EventMessage {
  source: Record<string, string>
  key: Record<string, string>
  data: Record<string, string>
}

export function eventNotification (topic: string, message: EventMessage, timestamp: number): string {
  return JSON.stringify({
    apiVersion: API_VERSION,
    method: METHODS.eventsNotify,
    params: { notification: { timestamp, topic, message } }
  })
}

export const motionAlarmMessage = (active: boolean): EventMessage =>
  ({ source: {}, key: {}, data: { active: active ? '1' : '0' } })

export const pairingStateMessage = (state: string): EventMessage =>
  ({ source: {}, key: {}, data: { state } })

/** Pairing states that mean the paired radar delivers no data. */
const FAILURE_TEXT: Record<string, string> = {
  'address-failed': 'No data: the radar address could not be resolved',
  'connect-failed': 'No data: the radar cannot be reached',
  'authentication-failed': 'No data: the radar refused the credentials',
  'transfer-failed': 'No data: the radar stopped sending data',
  failed: 'No data: the radar link failed'
}

export const isFailureState = (state: string): boolean => Object.prototype.hasOwnProperty.call(FAILURE_TEXT, state)

/** RadarFailure: reason 0 (no data) while the link is failing; disruption "0" once it is not. */
export const radarFailureMessage = (state: string): EventMessage => isFailureState(state)
  ? { source: { channel: CHANNEL }, key: {}, data: { disruption: '1', reason: '0', reasonstr: FAILURE_TEXT[state] } }
  : { source: { channel: CHANNEL }, key: {}, data: { disruption: '0', reason: '0', reasonstr: '' } }
