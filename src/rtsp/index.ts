/** The RTSP/RTP protocol layer shared by the radar simulator and the camera's radar link. */
export * from './message.js'
export * from './parser.js'
export * from './rtp.js'
