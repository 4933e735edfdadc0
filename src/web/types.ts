/** Message shapes of /vapix/ws-data-stream as the page uses them (overlay-stream.md). */

// The server's own definitions (type-only: nothing of the server is bundled).
export type { AdfBox, AdfObservation, AdfFrame, RadarView } from '../overlay/messages.js'

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
