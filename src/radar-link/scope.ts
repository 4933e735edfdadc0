/**
 * The resources of one link attempt — sockets, timers, pending waits — so
 * that stopping the link (or ending the attempt) closes every one of them at
 * once and can wait until the sockets are really closed.
 */
import type { Socket } from 'node:net'
import { LinkAborted } from './causes.js'

const noop = (): void => {}

export class Scope {
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly aborters = new Set<() => void>()
  private drained: (() => void) | undefined
  private isAborted = false

  get aborted (): boolean { return this.isAborted }

  /** Open sockets of this attempt. */
  get socketCount (): number { return this.sockets.size }

  /**
   * Tracks a socket until it emits 'close'. A socket errors only into its own
   * listeners: a no-op listener is added so that a late error cannot crash.
   */
  track<S extends Socket> (socket: S): S {
    socket.on('error', noop)
    if (this.isAborted) {
      socket.destroy()
      return socket
    }
    this.sockets.add(socket)
    socket.once('close', () => {
      this.sockets.delete(socket)
      if (this.sockets.size === 0 && this.drained !== undefined) this.drained()
    })
    return socket
  }

  /** A timer cleared when the scope is aborted; none is set once aborted. */
  setTimeout (fn: () => void, ms: number): NodeJS.Timeout | undefined {
    if (this.isAborted) return undefined
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
    return t
  }

  clearTimeout (t: NodeJS.Timeout | undefined): void {
    if (t === undefined) return
    clearTimeout(t)
    this.timers.delete(t)
  }

  /** Runs `fn` on abort (at once if already aborted); returns an unregister function. */
  onAbort (fn: () => void): () => void {
    if (this.isAborted) {
      fn()
      return noop
    }
    this.aborters.add(fn)
    return () => { this.aborters.delete(fn) }
  }

  /** `promise`, or a LinkAborted rejection as soon as the scope is aborted. */
  race<T> (promise: Promise<T>): Promise<T> {
    if (this.isAborted) {
      promise.catch(noop)
      return Promise.reject(new LinkAborted())
    }
    return new Promise<T>((resolve, reject) => {
      const off = this.onAbort(() => reject(new LinkAborted()))
      promise.then((v) => { off(); resolve(v) }, (e: unknown) => { off(); reject(e) })
    })
  }

  /** Destroys every socket, clears every timer and rejects every pending wait. Idempotent. */
  abort (): void {
    if (this.isAborted) return
    this.isAborted = true
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const aborters = [...this.aborters]
    this.aborters.clear()
    for (const fn of aborters) fn()
    for (const s of this.sockets) s.destroy()
  }

  /** Resolves when every tracked socket has emitted 'close' (call after abort). */
  closed (): Promise<void> {
    if (this.sockets.size === 0) return Promise.resolve()
    return new Promise((resolve) => {
      const prev = this.drained
      this.drained = () => { prev?.(); resolve() }
    })
  }
}
