/**
 * The pairing state machine, pure: a status and an event give the next
 * status or a VAPIX error. The pairing service is its only caller, and so
 * the only writer of `state`.
 *
 *   not-configured ──configure──▶ not-active ──activate──▶ (link) ok | *-failed
 *          ▲  clear                   ▲  deactivate               │
 *          └──────────────────────────┴───────────────────────────┘
 *
 * While active, the public state is the link's latest outcome; before the
 * first outcome of an activation it stays `not-active` (no radar streams yet,
 * and an active pairing never reports `ok` unless one does).
 */
import { PairingErrors } from './errors.js'
import type { LinkState, PairingConfig, PairingState } from './schema.js'

export interface PairingStatus {
  config: PairingConfig | null
  active: boolean
  /** Latest link outcome while active; null before the first one. */
  link: LinkState | null
}

export type PairingEvent =
  | { type: 'configure', config: PairingConfig }
  | { type: 'clear' }
  | { type: 'set-active', active: boolean }
  | { type: 'link', state: LinkState }

export const INITIAL: PairingStatus = Object.freeze({ config: null, active: false, link: null })

export function publicState (s: PairingStatus): PairingState {
  if (s.config === null) return 'not-configured'
  if (!s.active) return 'not-active'
  return s.link ?? 'not-active'
}

/** Next status; throws 2200/2201 for events the current status refuses. */
export function transition (s: PairingStatus, e: PairingEvent): PairingStatus {
  switch (e.type) {
    case 'configure':
      if (s.active) throw PairingErrors.changeWhileEnabled()
      return { config: e.config, active: false, link: null }
    case 'clear':
      if (s.active) throw PairingErrors.changeWhileEnabled()
      return { config: null, active: false, link: null }
    case 'set-active':
      if (s.config === null) throw PairingErrors.missingConfiguration()
      if (s.active === e.active) return s
      return { config: s.config, active: e.active, link: null }
    case 'link':
      // A late report from a link that was just stopped changes nothing.
      if (!s.active || s.config === null) return s
      return { ...s, link: e.state }
  }
}
