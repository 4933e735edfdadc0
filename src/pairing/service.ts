/**
 * The one owner of the pairing: configuration, active flag and state. API
 * handlers call it; the radar link reports to it; everyone else listens to
 * its 'state' event. Operations are serialised so that a check and the write
 * that follows it are atomic, and memory changes only after the state file
 * was written (a failed write leaves both unchanged).
 */
import { EventEmitter } from 'node:events'
import type { Log } from '../common/log.js'
import type { PairingStore } from './store.js'
import { INITIAL, publicState, transition, type PairingEvent, type PairingStatus } from './state-machine.js'
import type { LinkHandle, LinkReport, LinkStarter } from './link-port.js'
import type { PairingConfig, PairingState, Profile } from './schema.js'

export interface StateChange {
  state: PairingState
  previous: PairingState
  cause?: string
  at: number
}

export interface PairingServiceEvents {
  state: [StateChange]
}

export class PairingService extends EventEmitter<PairingServiceEvents> {
  private status: PairingStatus = INITIAL
  private link: LinkHandle | undefined
  private linkGeneration = 0
  private queue: Promise<unknown> = Promise.resolve()
  private lastCause: string | undefined

  constructor (
    private readonly store: PairingStore,
    private readonly startLink: LinkStarter,
    readonly profile: Profile,
    private readonly log: Log
  ) { super() }

  /** Restores the stored state; an active pairing reconnects by itself. */
  async init (): Promise<void> {
    const saved = await this.store.load()
    this.status = { config: saved.config, active: saved.config !== null && saved.active, link: null }
    this.log.info({ state: this.state, active: this.status.active }, 'pairing state restored')
    if (this.status.active) this.startLinkFor(this.status.config as PairingConfig)
  }

  get state (): PairingState { return publicState(this.status) }
  get config (): PairingConfig | null { return this.status.config }
  get active (): boolean { return this.status.active }
  /** Cause of the latest link failure, for logs and events. */
  get cause (): string | undefined { return this.lastCause }

  setConnection (config: PairingConfig): Promise<void> {
    return this.apply({ type: 'configure', config })
  }

  clear (): Promise<void> { return this.apply({ type: 'clear' }) }

  /** 2201 without configuration (checked in order with the other operations). */
  getActive (): Promise<boolean> {
    return this.serial(async () => {
      transition(this.status, { type: 'set-active', active: this.status.active })
      return this.status.active
    })
  }

  setActive (active: boolean): Promise<void> { return this.apply({ type: 'set-active', active }) }

  /** Back to factory state: link down, configuration removed. */
  reset (): Promise<void> {
    return this.serial(async () => {
      await this.stopLink()
      await this.commit({ config: null, active: false, link: null })
    })
  }

  /** Stops the link (for shutdown); the stored active flag is kept. */
  close (): Promise<void> {
    return this.serial(async () => {
      await this.stopLink()
      await this.store.flush()
    })
  }

  private apply (event: PairingEvent): Promise<void> {
    return this.serial(async () => {
      const next = transition(this.status, event)
      if (next === this.status) return
      const wasActive = this.status.active
      if (wasActive && !next.active) await this.stopLink()
      await this.commit(next)
      if (!wasActive && next.active) this.startLinkFor(next.config as PairingConfig)
    })
  }

  /** Persists, then publishes. */
  private async commit (next: PairingStatus): Promise<void> {
    const persistedChanged = next.config !== this.status.config || next.active !== this.status.active
    if (persistedChanged) await this.store.save({ version: 1, config: next.config, active: next.active })
    this.publish(next)
  }

  private publish (next: PairingStatus, cause?: string): void {
    const previous = this.state
    this.status = next
    const state = this.state
    if (state !== previous) {
      if (state !== 'ok') this.lastCause = cause
      this.log.info({ state, previous, ...(cause !== undefined ? { cause } : {}) }, 'pairing state changed')
      this.emit('state', { state, previous, cause, at: Date.now() })
    }
  }

  private startLinkFor (config: PairingConfig): void {
    const generation = ++this.linkGeneration
    const report = (r: LinkReport): void => {
      if (generation !== this.linkGeneration) return // a stopped link's late report
      const next = transition(this.status, { type: 'link', state: r.state })
      if (next !== this.status && (next.link !== this.status.link)) this.publish(next, r.cause)
      else if (r.state !== 'ok' && r.cause !== this.lastCause) {
        this.lastCause = r.cause
        this.log.warn({ state: r.state, cause: r.cause }, 'radar link attempt failed')
      }
    }
    this.link = this.startLink(config, this.profile, report)
  }

  private async stopLink (): Promise<void> {
    this.linkGeneration++
    const link = this.link
    this.link = undefined
    if (link !== undefined) await link.stop()
  }

  private serial<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn)
    this.queue = run.catch(() => {})
    return run
  }
}
