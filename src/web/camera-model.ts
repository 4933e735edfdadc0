/**
 * The emulated camera's view geometry: a pinhole camera mounted `height` m
 * above the ground, pitched down by `tilt`, looking along the radar's 0°
 * axis (the radar is mounted with the camera). Ground points are given in
 * radar coordinates: x to the right, y ahead (m), z up.
 */
export interface CameraModel {
  width: number
  height: number
  /** Focal length (px). */
  f: number
  cx: number
  cy: number
  mountHeight: number
  tilt: number
}

/**
 * The camera framing the radar's coverage, as an installer would mount it:
 * 10 m up, a horizontal field of view a little wider than the radar's, and
 * tilted so that the far edge of the coverage sits about 30 % from the top.
 */
export function cameraModel (width: number, height: number, view?: { maxRange: number, minAngle: number, maxAngle: number } | null): CameraModel {
  const span = view == null ? 95 : view.maxAngle - view.minAngle
  const hfov = Math.min(110, Math.max(60, span + 14)) * Math.PI / 180
  const f = (width / 2) / Math.tan(hfov / 2)
  const vfov = 2 * Math.atan((height / 2) / f)
  const mountHeight = 10
  const maxRange = view == null ? 60 : Math.max(10, view.maxRange)
  const tilt = Math.atan(mountHeight / maxRange) + 0.2 * vfov
  return { width, height, f, cx: width / 2, cy: height / 2, mountHeight, tilt }
}

export interface Px { u: number, v: number, depth: number }

/** Projects a world point (m) to the image (px). */
export function project (c: CameraModel, x: number, y: number, z = 0): Px {
  const s = Math.sin(c.tilt)
  const co = Math.cos(c.tilt)
  const h = c.mountHeight - z
  const depth = y * co + h * s
  const down = h * co - y * s
  const d = Math.max(depth, 0.05)
  return { u: c.cx + c.f * x / d, v: c.cy + c.f * down / d, depth }
}

/** Ground point of a radar detection (range m, azimuth °, positive right). */
export function polarToGround (range: number, azimuthDeg: number): { x: number, y: number } {
  const a = azimuthDeg * Math.PI / 180
  return { x: range * Math.sin(a), y: range * Math.cos(a) }
}

/** Pixels per metre at a given depth (for sizing objects). */
export const pxPerMetre = (c: CameraModel, depth: number): number => c.f / Math.max(depth, 0.05)
