/** The camera's radar link: resolve → HTTP(S) → RTSP(S) → RTP → XML → TrackFrame. */
export { createLinkStarter, DEFAULT_TIMEOUTS, MAX_ANSWER_BYTES, type LinkDeps, type LinkTimeouts } from './link.js'
export { createFramePipeline, type FramePipeline, type FramePipelineOptions } from './frame-pipeline.js'
export { Backoff, type BackoffOptions } from './backoff.js'
export { LinkFailure, formatMs, connectCause, dnsCause, statusCause, noFrameCause, cnMismatchCause } from './causes.js'
export { parseParamList, rtspSettings, checkApiList, parseRadarProperties, NOT_A_RADAR } from './vapix-steps.js'
export { parseSdp, findMetadataMedia, resolveControl } from './sdp.js'
export { streamUrl } from './rtsp-session.js'
