/**
 * What the pairing service needs from a radar link, so that the pairing does
 * not depend on how the link is made (src/radar-link implements it; tests
 * may use a fake). The link reports outcomes; the service alone turns them
 * into `state`.
 */
import type { LinkState, PairingConfig, Profile } from './schema.js'

export interface LinkReport {
  state: LinkState
  /** Human-readable cause for logs and events, e.g. "ECONNREFUSED 127.0.0.1:8081"; never credentials. */
  cause?: string
}

export interface LinkHandle {
  /** Closes sockets (RTSP TEARDOWN first), clears timers; resolves when all is closed. */
  stop: () => Promise<void>
}

export type LinkStarter = (config: PairingConfig, profile: Profile, report: (r: LinkReport) => void) => LinkHandle
