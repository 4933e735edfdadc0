/**
 * The page's track table, fed by ADF frames: each frame is a full snapshot
 * (a track absent from the newest frame is gone, whatever DeleteOperations a
 * skipped frame may have carried). Positions are smoothed for drawing and a
 * short trail is kept per track.
 */
import { polarToGround } from './camera-model.js'
import type { AdfFrame } from './types.js'

export interface TrailPoint { x: number, y: number, t: number }

export interface Track {
  id: string
  type: string
  score: number
  range: number
  azimuth: number
  speed: number
  /** Target ground position (m) from the newest frame, and the drawn (smoothed) one. */
  x: number
  y: number
  dx: number
  dy: number
  heading: number
  trail: TrailPoint[]
  firstSeen: number
  phase: number
}

const TRAIL_MS = 4000
const TRAIL_MAX = 60

export class TrackTable {
  readonly tracks = new Map<string, Track>()
  frames = 0
  lastFrameAt = 0

  apply (frame: AdfFrame, now: number): void {
    this.frames++
    this.lastFrameAt = now
    const seen = new Set<string>()
    for (const o of frame.observations) {
      seen.add(o.track_id)
      const g = polarToGround(o.radar.range, o.radar.azimuth)
      let t = this.tracks.get(o.track_id)
      if (t === undefined) {
        t = { id: o.track_id, type: o.class.type, score: o.class.score, range: 0, azimuth: 0, speed: 0, x: g.x, y: g.y, dx: g.x, dy: g.y, heading: 0, trail: [], firstSeen: now, phase: Math.random() * 6 }
        this.tracks.set(o.track_id, t)
      }
      const mx = g.x - t.x
      const my = g.y - t.y
      if (mx * mx + my * my > 0.0025) t.heading = Math.atan2(mx, my)
      t.type = o.class.type
      t.score = o.class.score
      t.range = o.radar.range
      t.azimuth = o.radar.azimuth
      t.speed = o.radar.speed
      t.x = g.x
      t.y = g.y
      t.trail.push({ x: g.x, y: g.y, t: now })
      while (t.trail.length > TRAIL_MAX || (t.trail.length > 0 && now - t.trail[0].t > TRAIL_MS)) t.trail.shift()
    }
    for (const op of frame.operations) if (op.type === 'DeleteOperation') this.tracks.delete(op.id)
    for (const id of this.tracks.keys()) if (!seen.has(id)) this.tracks.delete(id)
  }

  clear (): void { this.tracks.clear() }

  /** Moves drawn positions towards the targets (frame-rate independent). */
  smooth (dtMs: number): void {
    const k = 1 - Math.exp(-dtMs / 90)
    for (const t of this.tracks.values()) {
      t.dx += (t.x - t.dx) * k
      t.dy += (t.y - t.dy) * k
      t.phase += dtMs * 0.004 * Math.min(3, t.speed)
    }
  }
}
