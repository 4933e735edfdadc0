/**
 * Ends tracks: a track id unseen for `endAfterMs` has ended
 * (radar-link.md §3 Decision: 1 s). Pure bookkeeping, fed with frame times.
 */
import type { RadarObject } from '../onvif/model.js'

export class TrackEnder {
  private readonly lastSeen = new Map<string, number>()

  constructor (private readonly endAfterMs = 1000) {}

  /** Records the frame's objects; returns the ids that ended by `timeMs`. */
  update (timeMs: number, objects: readonly RadarObject[]): string[] {
    for (const o of objects) this.lastSeen.set(o.id, timeMs)
    const ended: string[] = []
    for (const [id, seen] of this.lastSeen) {
      if (timeMs - seen >= this.endAfterMs) {
        ended.push(id)
        this.lastSeen.delete(id)
      }
    }
    return ended
  }

  /** Ends every open track (the link went down). */
  endAll (): string[] {
    const ids = [...this.lastSeen.keys()]
    this.lastSeen.clear()
    return ids
  }

  get open (): number { return this.lastSeen.size }
}
