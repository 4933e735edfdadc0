/**
 * The scenario file the radar simulator plays: which radar it pretends to be
 * (radar-link.md §2, getRadarProperties) and what moves in front of it.
 *
 * Coordinates: metres in the radar's ground plane, radar at the origin
 * looking along +y; x to the right, y ahead. Times: seconds since the scene
 * (or the current loop) started. Headings in this file use the radar's
 * convention: degrees clockwise from straight ahead (+y), so 90 = towards +x.
 *
 * Defaults are applied by `parseScenario` (load.ts) with TypeBox
 * `Value.Default`; `Scenario` is the type after defaults.
 */
import { Type, type Static } from '@sinclair/typebox'

const closed = { additionalProperties: false } as const

export const PointSchema = Type.Object({
  x: Type.Number({ description: 'metres, + to the right of the radar' }),
  y: Type.Number({ description: 'metres, + ahead of the radar' })
}, closed)

/** getRadarProperties `data` minus networkPaired, with the values of radar-link.md §2. */
export const RadarSchema = Type.Object({
  device: Type.String({ minLength: 1, default: 'D2210-VE' }),
  minDetectionRange: Type.Number({ minimum: 0, default: 10 }),
  maxDetectionRange: Type.Number({ exclusiveMinimum: 0, default: 100 }),
  minHorizontalAngle: Type.Number({ minimum: -180, maximum: 180, default: -30 }),
  maxHorizontalAngle: Type.Number({ minimum: -180, maximum: 180, default: 30 }),
  minVerticalAngle: Type.Number({ minimum: -90, maximum: 90, default: -20 }),
  maxVerticalAngle: Type.Number({ minimum: -90, maximum: 90, default: 20 }),
  maxRadarObjects: Type.Integer({ minimum: 0, default: 50 }),
  /** km/h (§2 Decision) */
  maxObjectSpeed: Type.Number({ exclusiveMinimum: 0, default: 120.5 })
}, { ...closed, default: {} })

/** Where the radar stands, for tt:GeoLocation (the spec example is a radar at 0°/0° looking north). */
export const SiteSchema = Type.Object({
  latitude: Type.Number({ minimum: -90, maximum: 90, default: 0 }),
  longitude: Type.Number({ minimum: -180, maximum: 180, default: 0 }),
  /** degrees clockwise from north of the radar's +y axis */
  heading: Type.Number({ default: 0 })
}, { ...closed, default: {} })

export const NoiseSchema = Type.Object({
  /** metres: each report's position is offset by up to this much (uniform in a disc) */
  position: Type.Number({ minimum: 0, default: 0 }),
  /** each report's likelihood is moved by up to ± this much (clamped to 0..1) */
  likelihood: Type.Number({ minimum: 0, maximum: 1, default: 0 })
}, { ...closed, default: {} })

const Speed = Type.Number({ minimum: 0, description: 'm/s' })

export const WaypointsMotionSchema = Type.Object({
  type: Type.Literal('waypoints'),
  points: Type.Array(PointSchema, { minItems: 2 }),
  /** m/s, one value or one per segment (points − 1 segments, or points when looping) */
  speed: Type.Union([Speed, Type.Array(Speed, { minItems: 1 })], { description: 'a number ≥ 0 or an array of numbers ≥ 0 (m/s)' }),
  /** after the last point go back to the first and repeat; otherwise the target vanishes at the last point */
  loop: Type.Boolean({ default: false })
}, closed)

export const ConstantMotionSchema = Type.Object({
  type: Type.Literal('constant'),
  start: PointSchema,
  /** m/s */
  velocity: Type.Object({ vx: Type.Number(), vy: Type.Number() }, closed)
}, closed)

export const BoundsSchema = Type.Object({
  xMin: Type.Number(),
  xMax: Type.Number(),
  yMin: Type.Number(),
  yMax: Type.Number()
}, closed)

export const RandomWalkMotionSchema = Type.Object({
  type: Type.Literal('random-walk'),
  start: PointSchema,
  speed: Speed,
  /** largest heading change, degrees per second */
  turnRate: Type.Number({ minimum: 0, default: 45 }),
  /** initial heading (radar convention); random from the seed when absent */
  heading: Type.Optional(Type.Number()),
  /** where the walker stays: a rectangle, the radar's field of view (with a 1 m margin), or anywhere */
  bounds: Type.Union([BoundsSchema, Type.Literal('field-of-view'), Type.Literal('none')], {
    default: 'field-of-view',
    description: "a rectangle {xMin, xMax, yMin, yMax}, 'field-of-view' or 'none'"
  })
}, closed)

export const MotionSchema = Type.Union([WaypointsMotionSchema, ConstantMotionSchema, RandomWalkMotionSchema])

export const TargetClassSchema = Type.Union([
  Type.Literal('Human'), Type.Literal('Vehicle'), Type.Literal('Unknown'), Type.Literal('SmallObject')
])

export const TargetSchema = Type.Object({
  /** ObjectId of the target's first track; later tracks (re-appearances) get fresh ids */
  id: Type.Optional(Type.Integer({ minimum: 0 })),
  name: Type.Optional(Type.String()),
  class: TargetClassSchema,
  /** metres; default by class: Human 0.5, Vehicle 4.5, Unknown 0.3, SmallObject 0.2 */
  size: Type.Optional(Type.Number({ minimum: 0 })),
  /** 0..1; default by class: Human 0.85, Vehicle 0.9, Unknown 0.4, SmallObject 0.4 */
  likelihood: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** seconds after the scene (loop) start */
  appear: Type.Number({ minimum: 0, default: 0 }),
  vanish: Type.Optional(Type.Number({ minimum: 0 })),
  motion: MotionSchema
}, closed)

/** Short-lived spurious detections at random places in the field of view. */
export const ClutterSchema = Type.Object({
  /** mean detections per second (Poisson) */
  rate: Type.Number({ minimum: 0 }),
  lifetimeSeconds: Type.Number({ exclusiveMinimum: 0, default: 0.5 }),
  class: Type.Union([Type.Literal('Unknown'), Type.Literal('SmallObject')], { default: 'Unknown' }),
  likelihood: Type.Number({ minimum: 0, maximum: 1, default: 0.3 }),
  size: Type.Number({ minimum: 0, default: 0 })
}, closed)

export const ScenarioSchema = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  /** default seed when the caller gives none */
  seed: Type.Optional(Type.Integer()),
  /**
   * The scene loops after this many seconds. Absent: it loops when the last
   * target has vanished if every target vanishes (see load.ts), else never.
   */
  durationSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  radar: RadarSchema,
  site: SiteSchema,
  noise: NoiseSchema,
  targets: Type.Array(TargetSchema, { default: [] }),
  clutter: Type.Optional(ClutterSchema)
}, closed)

export type Scenario = Static<typeof ScenarioSchema>
export type ScenarioTarget = Static<typeof TargetSchema>
export type ScenarioMotion = Static<typeof MotionSchema>
export type ScenarioPoint = Static<typeof PointSchema>
export type ScenarioRadar = Static<typeof RadarSchema>
export type ScenarioBounds = Static<typeof BoundsSchema>
