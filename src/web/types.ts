/** Message shapes of /vapix/ws-data-stream as the page uses them (overlay-stream.md). */

export interface AdfBox { left: number, top: number, right: number, bottom: number }

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
  operations: Array<{ id: string, type: string }>
}

export interface RadarView { minRange: number, maxRange: number, minAngle: number, maxAngle: number }

export interface Notification {
  timestamp: number
  topic?: string
  message: { source?: Record<string, string>, key?: Record<string, string>, data: Record<string, unknown> }
}

export interface ServerMessage {
  apiVersion: string
  context?: string
  method?: string
  params?: { notification?: Notification }
  data?: unknown
  error?: { code: number, message: string }
}

export const TOPIC = {
  pairingState: 'tnsaxis:NetworkRadarPairing/State',
  motionAlarm: 'tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY',
  radarFailure: 'tns1:Device/tnsaxis:HardwareFailure/RadarFailure'
} as const
