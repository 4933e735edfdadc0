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

export function cameraModel (width: number, height: number): CameraModel {
  const hfov = 100 * Math.PI / 180
  return { width, height, f: (width / 2) / Math.tan(hfov / 2), cx: width / 2, cy: height / 2, mountHeight: 6, tilt: 14 * Math.PI / 180 }
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
