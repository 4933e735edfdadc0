/**
 * The scene engine: turns a scenario (schema.ts) into radar frames
 * (radar-link.md §3, model.ts). PURE: it never reads the clock or
 * Math.random; the caller advances time and supplies each frame's UtcTime.
 * Same scenario + same seed + same sequence of `next` calls → identical
 * frames (and so byte-identical writeFrame output).
 *
 * Conventions (documented choices):
 *   - Ground plane, metres: radar at the origin looking along +y, x to the
 *     right. A target is seen when minDetectionRange ≤ range ≤
 *     maxDetectionRange and minHorizontalAngle ≤ angle ≤ maxHorizontalAngle
 *     (both inclusive, 1e-9 tolerance), where range = hypot(x, y) and
 *     angle = atan2(x, y) in degrees: 0 straight ahead, + to the right (§3
 *     PolarCoordinate). Ground targets: distance = range, elevation 0,
 *     azimuth = 90 − angle (§3 SphericalCoordinate).
 *   - Velocity: axrt:Velocity angle = direction of motion in the same
 *     convention as the polar angle (degrees clockwise from straight ahead,
 *     0..360); tt:Behaviour Direction yaw = 90 − that angle (0..360), i.e.
 *     counter-clockwise from the radar's +x axis — the relation of the spec
 *     example (velocity angle 343.60 ↔ yaw 106.4), like azimuth = 90 − angle.
 *     A standing target reports velocity angle 0 and yaw 90.
 *   - View image (shapes, [-1, 1], x right, y up; §3): x_view = x / maxRange,
 *     y_view = 2·y / maxRange − 1; the fan of a ±30° radar fills
 *     x ∈ [−0.5, 0.5]. Each object is a square footprint of
 *     max(size, 0.5 m) on the ground mapped to the view (so the box is twice
 *     as tall as wide in view units), centre of gravity = the target's
 *     position, polygon = the box corners counter-clockwise from bottom-left.
 *   - Object ids: a target gets a new track (ObjectId) each time it starts
 *     being reported; it keeps it while reported in consecutive frames. A
 *     target missing from a frame (out of view, vanished, dropped by the
 *     maxRadarObjects cap, a scene loop) ends its track. Ids count up from
 *     1 (or from above the largest `id` in the scenario); a target's `id`
 *     is used for its first track only.
 *   - Cap: at most maxRadarObjects objects, the nearest kept; frames list
 *     objects nearest first.
 *   - Loop: scene time wraps at loopSeconds(scenario); targets restart
 *     (random walks re-seeded per loop), clutter runs on regardless.
 *   - GeoLocation: from `site` (lat/lon of the radar, heading of +y,
 *     clockwise from north), 111,320 m per degree (spherical Earth).
 */
import type { RadarClass, RadarFrame, RadarObject, RadarProperties } from '../../onvif/model.js'
import type { Scenario, ScenarioBounds, ScenarioTarget } from './schema.js'
import { deriveSeed, Prng } from './prng.js'

export const DEFAULT_SIZE: Readonly<Record<RadarClass, number>> = { Human: 0.5, Vehicle: 4.5, Unknown: 0.3, SmallObject: 0.2 }
export const DEFAULT_LIKELIHOOD: Readonly<Record<RadarClass, number>> = { Human: 0.85, Vehicle: 0.9, Unknown: 0.4, SmallObject: 0.4 }
/** Smallest footprint drawn in the view image, metres. */
export const MIN_BOX_METRES = 0.5
/** Random walks are integrated in steps of at most this. */
export const WALK_STEP_MS = 100
const EPS = 1e-9
const DEG = 180 / Math.PI
const METRES_PER_DEGREE = 111_320
/** PRNG stream ids (prng.ts deriveSeed). */
const STREAM_WALK = 1
const STREAM_CLUTTER = 2
const STREAM_NOISE = 3

function mod360 (a: number): number {
  const r = a % 360
  return r < 0 ? r + 360 : r
}

/** Position (m) and velocity (m/s) in the ground plane. */
interface Kinematics { x: number, y: number, vx: number, vy: number }

// ---- waypoints --------------------------------------------------------------

interface Segment { x0: number, y0: number, dx: number, dy: number, speed: number, t0: number, dur: number }
interface WaypointPlan { segments: Segment[], total: number, loop: boolean }

function planWaypoints (m: Extract<ScenarioTarget['motion'], { type: 'waypoints' }>): WaypointPlan {
  const pts = m.points
  const n = m.loop ? pts.length : pts.length - 1
  const segments: Segment[] = []
  let t = 0
  for (let i = 0; i < n; i++) {
    const a = pts[i]
    const b = pts[(i + 1) % pts.length]
    const speed = typeof m.speed === 'number' ? m.speed : m.speed[i]
    const dx = b.x - a.x
    const dy = b.y - a.y
    const len = Math.hypot(dx, dy)
    const dur = len === 0 ? 0 : speed === 0 ? Infinity : len / speed
    segments.push({ x0: a.x, y0: a.y, dx, dy, speed, t0: t, dur })
    t += dur
  }
  return { segments, total: t, loop: m.loop }
}

/** Where a waypoint target is τ seconds after it appeared; undefined once a non-looping path is done. */
function waypointsAt (p: WaypointPlan, tau: number): Kinematics | undefined {
  if (p.loop) {
    if (p.total === 0) return { x: p.segments[0].x0, y: p.segments[0].y0, vx: 0, vy: 0 }
    if (Number.isFinite(p.total)) tau = tau % p.total
  } else if (tau >= p.total) {
    return undefined
  }
  for (const s of p.segments) {
    if (tau < s.t0 + s.dur) {
      if (s.dur === Infinity) return { x: s.x0, y: s.y0, vx: 0, vy: 0 }
      const f = (tau - s.t0) / s.dur
      const len = Math.hypot(s.dx, s.dy)
      return { x: s.x0 + s.dx * f, y: s.y0 + s.dy * f, vx: s.dx / len * s.speed, vy: s.dy / len * s.speed }
    }
  }
  const last = p.segments[p.segments.length - 1] // only reached through rounding at the very end
  return { x: last.x0 + last.dx, y: last.y0 + last.dy, vx: 0, vy: 0 }
}

// ---- field of view ----------------------------------------------------------

interface FieldOfView { minR: number, maxR: number, minA: number, maxA: number }

function fieldOfView (s: Scenario): FieldOfView {
  const r = s.radar
  return { minR: r.minDetectionRange, maxR: r.maxDetectionRange, minA: r.minHorizontalAngle, maxA: r.maxHorizontalAngle }
}

/** Inside the field of view shrunk by `margin` metres (range) and `marginDeg` degrees (angle). */
function inView (f: FieldOfView, x: number, y: number, margin = 0, marginDeg = 0): boolean {
  const range = Math.hypot(x, y)
  const angle = Math.atan2(x, y) * DEG
  return range >= f.minR + margin - EPS && range <= f.maxR - margin + EPS &&
    angle >= f.minA + marginDeg - EPS && angle <= f.maxA - marginDeg + EPS
}

// ---- random walk ------------------------------------------------------------

type WalkMotion = Extract<ScenarioTarget['motion'], { type: 'random-walk' }>

/**
 * A walker at constant speed whose turn rate is redrawn (uniform in
 * ±turnRate) every 0.5–2 s. Bounds: a rectangle reflects it; 'field-of-view'
 * turns it towards the middle of the view when a step would leave the view
 * shrunk by a margin, and it never steps outside the view itself.
 */
class Walker {
  x: number
  y: number
  heading: number // degrees, radar convention (clockwise from +y)
  private omega = 0
  private nextTurn: number
  private t: number
  private readonly rng: Prng
  private readonly margin: number
  private readonly marginDeg: number

  constructor (private readonly m: WalkMotion, private readonly fov: FieldOfView, appear: number, seed: number) {
    this.rng = new Prng(seed)
    this.x = m.start.x
    this.y = m.start.y
    this.heading = m.heading ?? this.rng.uniform(0, 360)
    this.t = appear
    this.nextTurn = appear
    this.margin = Math.min(1, (fov.maxR - fov.minR) / 4)
    this.marginDeg = Math.min(1, (fov.maxA - fov.minA) / 4)
  }

  get vx (): number { return this.m.speed * Math.sin(this.heading / DEG) }
  get vy (): number { return this.m.speed * Math.cos(this.heading / DEG) }

  /** Integrate up to local time `t` (seconds), in steps of at most WALK_STEP_MS. */
  advanceTo (t: number): void {
    if (t <= this.t) return
    const steps = Math.ceil((t - this.t) * 1000 / WALK_STEP_MS - EPS)
    const h = (t - this.t) / steps
    for (let i = 0; i < steps; i++) {
      this.t += h
      if (this.t >= this.nextTurn) {
        this.omega = this.rng.uniform(-this.m.turnRate, this.m.turnRate)
        this.nextTurn = this.t + this.rng.uniform(0.5, 2)
      }
      this.heading = mod360(this.heading + this.omega * h)
      this.step(h)
    }
    this.t = t
  }

  private step (h: number): void {
    const d = this.m.speed * h
    const b = this.m.bounds
    let nx = this.x + d * Math.sin(this.heading / DEG)
    let ny = this.y + d * Math.cos(this.heading / DEG)
    if (typeof b === 'object') {
      [nx, ny] = this.reflect(b, nx, ny)
    } else if (b === 'field-of-view' && !inView(this.fov, nx, ny, this.margin, this.marginDeg)) {
      // head for the middle of the view
      const cy = (this.fov.minR + this.fov.maxR) / 2 * Math.cos((this.fov.minA + this.fov.maxA) / 2 / DEG)
      const cx = (this.fov.minR + this.fov.maxR) / 2 * Math.sin((this.fov.minA + this.fov.maxA) / 2 / DEG)
      this.heading = mod360(Math.atan2(cx - this.x, cy - this.y) * DEG)
      this.omega = 0
      nx = this.x + d * Math.sin(this.heading / DEG)
      ny = this.y + d * Math.cos(this.heading / DEG)
      if (!inView(this.fov, nx, ny) && inView(this.fov, this.x, this.y)) return // never step out of view
    }
    this.x = nx
    this.y = ny
  }

  private reflect (b: ScenarioBounds, x: number, y: number): [number, number] {
    if (x < b.xMin) { x = 2 * b.xMin - x; this.heading = mod360(-this.heading) }
    if (x > b.xMax) { x = 2 * b.xMax - x; this.heading = mod360(-this.heading) }
    if (y < b.yMin) { y = 2 * b.yMin - y; this.heading = mod360(180 - this.heading) }
    if (y > b.yMax) { y = 2 * b.yMax - y; this.heading = mod360(180 - this.heading) }
    return [Math.min(b.xMax, Math.max(b.xMin, x)), Math.min(b.yMax, Math.max(b.yMin, y))]
  }
}

// ---- targets and clutter ----------------------------------------------------

/** Seconds (scene-local) when a target is gone for good: vanish, or the end of a one-way path. */
function targetEnd (t: ScenarioTarget): number {
  let end = t.vanish ?? Infinity
  if (t.motion.type === 'waypoints' && !t.motion.loop) end = Math.min(end, t.appear + planWaypoints(t.motion).total)
  return end
}

/**
 * Scene period in seconds: durationSeconds when given; otherwise the time the
 * last target is gone when every target does go; otherwise undefined (no loop).
 */
export function loopSeconds (s: Scenario): number | undefined {
  if (s.durationSeconds !== undefined) return s.durationSeconds
  if (s.targets.length === 0) return undefined
  let end = 0
  for (const t of s.targets) end = Math.max(end, targetEnd(t))
  return Number.isFinite(end) && end > 0 ? end : undefined
}

/** The getRadarProperties `data` (§2) of the radar a scenario describes. */
export function radarProperties (s: Scenario, networkPaired = false): RadarProperties {
  return { ...s.radar, networkPaired }
}

class TargetState {
  readonly end: number
  readonly plan?: WaypointPlan
  walker?: Walker
  /** ObjectId of the current track, while reported */
  track?: string
  fixedIdUsed = false

  constructor (readonly index: number, readonly spec: ScenarioTarget) {
    this.end = targetEnd(spec)
    if (spec.motion.type === 'waypoints') this.plan = planWaypoints(spec.motion)
  }

  at (local: number): Kinematics | undefined {
    const s = this.spec
    if (local < s.appear || local >= this.end) return undefined
    const m = s.motion
    switch (m.type) {
      case 'waypoints':
        return waypointsAt(this.plan as WaypointPlan, local - s.appear)
      case 'constant': {
        const tau = local - s.appear
        return { x: m.start.x + m.velocity.vx * tau, y: m.start.y + m.velocity.vy * tau, vx: m.velocity.vx, vy: m.velocity.vy }
      }
      case 'random-walk': {
        const w = this.walker as Walker
        return { x: w.x, y: w.y, vx: w.vx, vy: w.vy }
      }
    }
  }
}

interface Clutter { born: number, dies: number, x: number, y: number, track?: string }

interface Candidate {
  k: Kinematics
  range: number
  angle: number
  cls: RadarClass
  likelihood: number
  size: number
  owner: TargetState | Clutter
}

export interface Scene {
  readonly scenario: Scenario
  readonly seed: number
  /** Scene period (s), undefined when the scene does not loop. */
  readonly loopSeconds: number | undefined
  /** Scene time since creation, ms (not wrapped). */
  readonly timeMs: number
  /**
   * Advance the scene by `dtMs` (≥ 0; 0 for the first frame) and return the
   * frame the radar reports at that moment, stamped `utcTime`.
   */
  next: (dtMs: number, utcTime: string) => RadarFrame
}

class SceneImpl implements Scene {
  readonly loopSeconds: number | undefined
  timeMs = 0
  private loopIndex = 0
  private readonly fov: FieldOfView
  private readonly targets: TargetState[]
  private clutter: Clutter[] = []
  private nextClutterMs = Infinity
  private readonly clutterRng: Prng
  private readonly noiseRng: Prng
  private nextId: number
  private readonly cosLat: number

  constructor (readonly scenario: Scenario, readonly seed: number) {
    this.fov = fieldOfView(scenario)
    this.loopSeconds = loopSeconds(scenario)
    this.targets = scenario.targets.map((t, i) => new TargetState(i, t))
    this.nextId = 1 + Math.max(0, ...scenario.targets.map((t) => t.id ?? 0))
    this.clutterRng = new Prng(deriveSeed(seed, STREAM_CLUTTER))
    this.noiseRng = new Prng(deriveSeed(seed, STREAM_NOISE))
    const c = scenario.clutter
    if (c !== undefined && c.rate > 0) this.nextClutterMs = this.clutterRng.exponential(1000 / c.rate)
    this.cosLat = Math.cos(scenario.site.latitude / DEG)
    this.startLoop(0)
  }

  private startLoop (loopIndex: number): void {
    this.loopIndex = loopIndex
    for (const t of this.targets) {
      t.track = undefined
      const m = t.spec.motion
      if (m.type === 'random-walk') t.walker = new Walker(m, this.fov, t.spec.appear, deriveSeed(this.seed, STREAM_WALK, t.index, loopIndex))
    }
  }

  private localSeconds (ms: number): number {
    const loopMs = this.loopSeconds === undefined ? undefined : this.loopSeconds * 1000
    return loopMs === undefined ? ms / 1000 : (ms - this.loopIndex * loopMs) / 1000
  }

  next (dtMs: number, utcTime: string): RadarFrame {
    if (!(dtMs >= 0) || !Number.isFinite(dtMs)) throw new RangeError(`dtMs must be a finite number ≥ 0, got ${dtMs}`)
    this.advance(this.timeMs + dtMs)
    return this.report(utcTime)
  }

  private advance (ms: number): void {
    if (this.loopSeconds !== undefined) {
      const loop = Math.floor(ms / (this.loopSeconds * 1000))
      if (loop !== this.loopIndex) this.startLoop(loop)
    }
    const local = this.localSeconds(ms)
    for (const t of this.targets) {
      if (t.walker !== undefined) t.walker.advanceTo(Math.min(local, t.end))
    }
    this.advanceClutter(ms)
    this.timeMs = ms
  }

  /** Clutter is a Poisson process in (unwrapped) scene time; positions uniform over the view's area. */
  private advanceClutter (ms: number): void {
    const c = this.scenario.clutter
    if (c !== undefined && c.rate > 0) {
      const lifeMs = c.lifetimeSeconds * 1000
      const mean = 1000 / c.rate
      const rng = this.clutterRng
      // Detections born before ms − life are dead already: skip them (memoryless).
      if (this.nextClutterMs < ms - lifeMs) this.nextClutterMs = ms - lifeMs + rng.exponential(mean)
      const f = this.fov
      while (this.nextClutterMs <= ms) {
        const r = Math.sqrt(rng.uniform(f.minR * f.minR, f.maxR * f.maxR))
        const a = rng.uniform(f.minA, f.maxA) / DEG
        this.clutter.push({ born: this.nextClutterMs, dies: this.nextClutterMs + lifeMs, x: r * Math.sin(a), y: r * Math.cos(a) })
        this.nextClutterMs += rng.exponential(mean)
      }
    }
    this.clutter = this.clutter.filter((d) => d.dies > ms)
  }

  private noisy (k: Kinematics): Kinematics {
    const n = this.scenario.noise.position
    if (n === 0) return k
    const r = n * Math.sqrt(this.noiseRng.next())
    const phi = 2 * Math.PI * this.noiseRng.next()
    return { x: k.x + r * Math.cos(phi), y: k.y + r * Math.sin(phi), vx: k.vx, vy: k.vy }
  }

  private candidate (k: Kinematics, cls: RadarClass, likelihood: number, size: number, owner: TargetState | Clutter): Candidate | undefined {
    const p = this.noisy(k)
    if (!inView(this.fov, p.x, p.y)) return undefined
    return { k: p, range: Math.hypot(p.x, p.y), angle: Math.atan2(p.x, p.y) * DEG, cls, likelihood, size, owner }
  }

  private report (utcTime: string): RadarFrame {
    const local = this.localSeconds(this.timeMs)
    const found: Candidate[] = []
    for (const t of this.targets) {
      const k = t.at(local)
      if (k === undefined) continue
      const s = t.spec
      const c = this.candidate(k, s.class, s.likelihood ?? DEFAULT_LIKELIHOOD[s.class], s.size ?? DEFAULT_SIZE[s.class], t)
      if (c !== undefined) found.push(c)
    }
    const cl = this.scenario.clutter
    if (cl !== undefined) {
      for (const d of this.clutter) {
        if (d.born > this.timeMs) continue
        const c = this.candidate({ x: d.x, y: d.y, vx: 0, vy: 0 }, cl.class, cl.likelihood, cl.size, d)
        if (c !== undefined) found.push(c)
      }
    }
    found.sort((a, b) => a.range - b.range) // stable: ties keep target order, then clutter order
    const shown = found.slice(0, this.scenario.radar.maxRadarObjects)

    // Tracks: continue while reported in consecutive frames, else end.
    const reported = new Set(shown.map((c) => c.owner))
    for (const t of this.targets) if (!reported.has(t)) t.track = undefined
    for (const d of this.clutter) if (!reported.has(d)) d.track = undefined
    const objects = shown.map((c) => this.toObject(c))
    return { utcTime, objects }
  }

  private trackId (owner: TargetState | Clutter): string {
    if (owner.track !== undefined) return owner.track
    let id: number
    if (owner instanceof TargetState && owner.spec.id !== undefined && !owner.fixedIdUsed) {
      id = owner.spec.id
      owner.fixedIdUsed = true
    } else {
      id = this.nextId++
    }
    owner.track = String(id)
    return owner.track
  }

  private toObject (c: Candidate): RadarObject {
    const { x, y, vx, vy } = c.k
    const jitter = this.scenario.noise.likelihood
    const likelihood = jitter === 0 ? c.likelihood : Math.min(1, Math.max(0, c.likelihood + this.noiseRng.uniform(-jitter, jitter)))
    const speed = Math.hypot(vx, vy)
    const velocityAngle = speed === 0 ? 0 : mod360(Math.atan2(vx, vy) * DEG)
    // view image: x / maxR, 2y / maxR − 1; footprint max(size, MIN_BOX_METRES)
    const maxR = this.fov.maxR
    const cx = x / maxR
    const cy = 2 * y / maxR - 1
    const half = Math.max(c.size, MIN_BOX_METRES) / 2
    const hw = half / maxR
    const hh = 2 * half / maxR
    const box = { left: cx - hw, top: cy + hh, right: cx + hw, bottom: cy - hh }
    const site = this.scenario.site
    const h = site.heading / DEG
    const north = y * Math.cos(h) - x * Math.sin(h)
    const east = y * Math.sin(h) + x * Math.cos(h)
    return {
      id: this.trackId(c.owner),
      class: c.cls,
      likelihood,
      range: c.range,
      angle: c.angle,
      distance: c.range,
      elevation: 0,
      azimuth: 90 - c.angle,
      speed,
      direction: mod360(90 - velocityAngle),
      velocityAngle,
      size: c.size,
      box,
      centerOfGravity: { x: cx, y: cy },
      polygon: [
        { x: box.left, y: box.bottom },
        { x: box.right, y: box.bottom },
        { x: box.right, y: box.top },
        { x: box.left, y: box.top }
      ],
      geo: {
        lon: site.longitude + east / (METRES_PER_DEGREE * this.cosLat),
        lat: site.latitude + north / METRES_PER_DEGREE,
        elevation: 0
      }
    }
  }
}

/**
 * A scene playing `scenario` with PRNG seed `seed` (default: the scenario's
 * `seed`, else 1). Call `next(0, t0)` for the first frame, then
 * `next(dtMs, t)` for each following one.
 */
export function createScene (scenario: Scenario, seed: number = scenario.seed ?? 1): Scene {
  return new SceneImpl(scenario, seed)
}
