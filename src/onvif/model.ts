/**
 * The radar data model shared by the simulator (which writes it as ONVIF
 * metadata) and the camera's radar link (which reads it back).
 * Spec: ../shared/spec/radar-link.md §2 (properties) and §3 (frame document).
 */

/** Object classes as a radar reports them (`Other` is sent with an Unknown/SmallObject subtype). */
export type RadarClass = 'Human' | 'Vehicle' | 'Unknown' | 'SmallObject'

/** A point in the radar view image, normalised to [-1, 1], x right, y up. */
export interface ViewPoint { x: number, y: number }

/** A box in the radar view image, [-1, 1], y up (so top >= bottom). */
export interface ViewBox { left: number, top: number, right: number, bottom: number }

/** One detected object in one frame. */
export interface RadarObject {
  /** ONVIF ObjectId, a decimal string. */
  id: string
  class: RadarClass
  /** 0..1 */
  likelihood: number
  /** axrt:PolarCoordinate — range in m, angle in degrees, 0 straight ahead, positive to the right. */
  range: number
  angle: number
  /** tt:SphericalCoordinate — Distance (m), ElevationAngle (°), AzimuthAngle = 90 − angle (°). */
  distance: number
  elevation: number
  azimuth: number
  /** tt:Behaviour — Speed in m/s, Direction yaw in degrees. */
  speed: number
  direction: number
  /** axrt:Velocity angle (°) and axrt:Size (m). */
  velocityAngle: number
  size: number
  /** Shape in the radar view image. */
  box: ViewBox
  centerOfGravity: ViewPoint
  polygon: ViewPoint[]
  /** tt:GeoLocation, when sent. */
  geo?: { lon: number, lat: number, elevation: number }
}

/** One tt:Frame. */
export interface RadarFrame {
  /** UtcTime attribute, ISO 8601 with microseconds and Z, e.g. 2017-07-14T08:45:20.284189Z */
  utcTime: string
  objects: RadarObject[]
}

/** getRadarProperties `data` (radar-link.md §2). Units: m, degrees, km/h. */
export interface RadarProperties {
  device: string
  minDetectionRange: number
  maxDetectionRange: number
  minHorizontalAngle: number
  maxHorizontalAngle: number
  minVerticalAngle: number
  maxVerticalAngle: number
  maxRadarObjects: number
  maxObjectSpeed: number
  networkPaired: boolean
}
