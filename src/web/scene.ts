/**
 * The "video": a parking lot by a road, drawn procedurally once into an
 * offscreen canvas in the same perspective as the overlay, plus the moving
 * objects the radar reports, drawn as simple shapes so that the overlay has
 * something to sit on. Nothing here is real video; it only looks like it.
 */
import { project, pxPerMetre, type CameraModel } from './camera-model.js'

type Ctx = CanvasRenderingContext2D

function poly (ctx: Ctx, c: CameraModel, pts: Array<[number, number, number?]>): void {
  ctx.beginPath()
  pts.forEach(([x, y, z], i) => {
    const p = project(c, x, y, z ?? 0)
    if (i === 0) ctx.moveTo(p.u, p.v); else ctx.lineTo(p.u, p.v)
  })
  ctx.closePath()
}

function groundRect (ctx: Ctx, c: CameraModel, x0: number, x1: number, y0: number, y1: number, fill: string): void {
  poly(ctx, c, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
  ctx.fillStyle = fill
  ctx.fill()
}

/** A seeded pseudo-random generator (the scene is the same on every load). */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An axis-aligned box on the ground (a parked car, a kiosk), faces shaded. */
export function drawCuboid (ctx: Ctx, c: CameraModel, cx: number, cy: number, w: number, l: number, h: number, heading: number, body: string, roof?: string, z0 = 0): void {
  const cos = Math.cos(heading)
  const sin = Math.sin(heading)
  // Corners: heading 0 = length along +y.
  const local: Array<[number, number]> = [[-w / 2, -l / 2], [w / 2, -l / 2], [w / 2, l / 2], [-w / 2, l / 2]]
  const base = local.map(([a, b]) => [cx + a * cos + b * sin, cy - a * sin + b * cos] as [number, number])
  const faces: Array<{ pts: Array<[number, number, number]>, depth: number, shade: number }> = []
  for (let i = 0; i < 4; i++) {
    const [x0, y0] = base[i]
    const [x1, y1] = base[(i + 1) % 4]
    const mx = (x0 + x1) / 2
    const my = (y0 + y1) / 2
    // Only faces turned towards the camera (at the origin) are visible.
    const nx = mx - cx
    const ny = my - cy
    if (nx * (0 - mx) + ny * (0 - my) <= 0) continue
    faces.push({ pts: [[x0, y0, z0], [x1, y1, z0], [x1, y1, z0 + h], [x0, y0, z0 + h]], depth: Math.hypot(mx, my), shade: 0.72 + 0.22 * Math.abs(nx) / (Math.hypot(nx, ny) || 1) })
  }
  faces.sort((a, b) => b.depth - a.depth)
  for (const face of faces) {
    poly(ctx, c, face.pts)
    ctx.fillStyle = body
    ctx.fill()
    ctx.fillStyle = `rgba(0,0,0,${(1 - face.shade).toFixed(2)})`
    ctx.fill()
  }
  poly(ctx, c, base.map(([x, y]) => [x, y, z0 + h] as [number, number, number]))
  ctx.fillStyle = roof ?? body
  ctx.fill()
}

/** A car: a body, a glass cabin and a roof, with a soft ground shadow. */
export function drawCar (ctx: Ctx, c: CameraModel, x: number, y: number, heading: number, colour: string): void {
  const b = project(c, x, y, 0)
  const ppm = pxPerMetre(c, b.depth)
  ctx.fillStyle = 'rgba(0,0,0,0.28)'
  ctx.beginPath()
  ctx.ellipse(b.u, b.v, 1.6 * ppm, 0.5 * ppm, 0, 0, Math.PI * 2)
  ctx.fill()
  drawCuboid(ctx, c, x, y, 1.8, 4.4, 0.8, heading, colour, colour, 0.15)
  const back = -0.25
  drawCuboid(ctx, c, x + back * Math.sin(heading), y + back * Math.cos(heading), 1.55, 2.3, 0.55, heading, '#25313d', colour, 0.95)
}

function tree (ctx: Ctx, c: CameraModel, x: number, y: number, size: number, rand: () => number): void {
  const base = project(c, x, y, 0)
  const top = project(c, x, y, size * 1.6)
  const ppm = pxPerMetre(c, base.depth)
  ctx.fillStyle = 'rgba(0,0,0,0.25)'
  ctx.beginPath()
  ctx.ellipse(base.u, base.v, size * ppm * 0.9, size * ppm * 0.25, 0, 0, Math.PI * 2)
  ctx.fill()
  ctx.strokeStyle = '#4a3b2c'
  ctx.lineWidth = Math.max(1, 0.25 * ppm)
  ctx.beginPath()
  ctx.moveTo(base.u, base.v)
  ctx.lineTo(top.u, top.v)
  ctx.stroke()
  const greens = ['#2f5a32', '#3b6b3a', '#2a4f2c', '#467a43']
  for (let i = 0; i < 7; i++) {
    const ox = (rand() - 0.5) * size * ppm * 1.1
    const oy = (rand() - 0.7) * size * ppm * 1.0
    ctx.fillStyle = greens[i % greens.length]
    ctx.beginPath()
    ctx.arc(top.u + ox, top.v + oy, size * ppm * (0.45 + rand() * 0.3), 0, Math.PI * 2)
    ctx.fill()
  }
}

function lamp (ctx: Ctx, c: CameraModel, x: number, y: number): void {
  const b = project(c, x, y, 0)
  const t = project(c, x, y, 7)
  const ppm = pxPerMetre(c, b.depth)
  ctx.strokeStyle = '#5b6068'
  ctx.lineWidth = Math.max(1, 0.15 * ppm)
  ctx.beginPath()
  ctx.moveTo(b.u, b.v)
  ctx.lineTo(t.u, t.v)
  ctx.lineTo(t.u + 0.9 * ppm, t.v)
  ctx.stroke()
  ctx.fillStyle = '#f3e9c6'
  ctx.fillRect(t.u + 0.6 * ppm, t.v, 0.6 * ppm, Math.max(1, 0.15 * ppm))
}

/**
 * Draws the static scene at the canvas' pixel size. The layout scales with
 * the radar's range `R` (a lot in front, a road across, buildings beyond the
 * coverage) while objects keep their real sizes.
 */
export function drawBackground (ctx: Ctx, c: CameraModel, R = 60): void {
  const rand = rng(20261125)
  const W = c.width
  const H = c.height
  const horizon = project(c, 0, 20000, 0).v
  const wide = 4 * R

  const sky = ctx.createLinearGradient(0, 0, 0, Math.max(1, horizon))
  sky.addColorStop(0, '#6f8fb3')
  sky.addColorStop(1, '#cbd7e3')
  ctx.fillStyle = sky
  ctx.fillRect(0, 0, W, horizon + 1)

  // Distant skyline and tree line at the horizon.
  ctx.fillStyle = '#8f9ba8'
  for (let x = -20; x < W; x += 14 + rand() * 40) {
    const h = 5 + rand() * 22
    ctx.fillRect(x, horizon - h, 10 + rand() * 30, h + 1)
  }
  ctx.fillStyle = '#41604a'
  ctx.beginPath()
  ctx.moveTo(0, horizon + 2)
  for (let x = 0; x <= W; x += 8) ctx.lineTo(x, horizon - 3 - rand() * 8)
  ctx.lineTo(W, horizon + 2)
  ctx.closePath()
  ctx.fill()

  const grass = ctx.createLinearGradient(0, horizon, 0, H)
  grass.addColorStop(0, '#62764f')
  grass.addColorStop(1, '#4d6441')
  ctx.fillStyle = grass
  ctx.fillRect(0, horizon, W, H - horizon)

  // The road across the view, and the lot between the camera and the road.
  const road0 = 0.62 * R
  const road1 = road0 + 8
  const lot0 = 1
  const lot1 = road0 - 2.5
  groundRect(ctx, c, -wide, wide, road1, road1 + 2.5, '#8d908a') // far sidewalk
  groundRect(ctx, c, -wide, wide, road0, road1, '#3b3e43') // road
  groundRect(ctx, c, -wide, wide, lot1, road0, '#9b9d98') // near sidewalk
  groundRect(ctx, c, -R, R, lot0, lot1, '#55585d') // lot
  for (let x = -wide; x < wide; x += 9) groundRect(ctx, c, x, x + 4.5, road0 + 3.9, road0 + 4.1, '#e9e3c4')
  groundRect(ctx, c, -wide, wide, road0 + 0.2, road0 + 0.35, '#d9d9d0')
  groundRect(ctx, c, -wide, wide, road1 - 0.35, road1 - 0.2, '#d9d9d0')

  // Parking stalls: pairs of rows facing each other across a 7 m aisle.
  const rows: number[] = []
  for (let y = Math.max(lot0 + 6, 0.22 * R); y + 18 < lot1 - 3; y += 24) rows.push(y, y + 12.5)
  const half = Math.min(0.7 * R, 40)
  const stall = 2.6
  rows.forEach((y0, i) => {
    const y1 = y0 + 5.5
    for (let x = -half; x <= half + 0.01; x += stall) groundRect(ctx, c, x - 0.06, x + 0.06, y0, y1, '#e6e6e0')
    const edge = i % 2 === 0 ? y0 : y1
    groundRect(ctx, c, -half, half, edge - 0.06, edge + 0.06, '#e6e6e0')
  })
  for (let i = 0; i < rows.length; i += 2) {
    const ya = rows[i] + 5.5 + 1.6
    for (const x of [-half / 2, half / 2]) {
      poly(ctx, c, [[x - 0.35, ya], [x + 0.35, ya], [x + 0.35, ya + 1.9], [x + 0.9, ya + 1.9], [x, ya + 3.1], [x - 0.9, ya + 1.9], [x - 0.35, ya + 1.9]])
      ctx.fillStyle = '#dcdcd4'
      ctx.fill()
    }
  }

  // Asphalt texture: faint speckles.
  for (let i = 0; i < 1400; i++) {
    const x = (rand() - 0.5) * 2 * R
    const y = lot0 + rand() * (lot1 - lot0)
    const p = project(c, x, y)
    if (p.u < -10 || p.u > W + 10 || p.v < horizon || p.v > H + 10) continue
    const s = pxPerMetre(c, p.depth) * 0.05
    ctx.fillStyle = rand() < 0.5 ? 'rgba(255,255,255,0.05)' : 'rgba(0,0,0,0.08)'
    ctx.fillRect(p.u, p.v, Math.max(1, s * 6), Math.max(1, s * 2))
  }

  // Buildings beyond the road and the radar's reach.
  const by = Math.max(1.15 * R, road1 + 25)
  building(ctx, c, -0.55 * by, 0.12 * by, by, 14, '#bbb4a7', rand)
  building(ctx, c, 0.2 * by, 0.62 * by, by + 12, 9, '#a7b0b6', rand)

  // Trees beyond the road, lamps along the near sidewalk.
  for (let x = -1.2 * R; x <= 1.2 * R; x += 9 + rand() * 7) tree(ctx, c, x, road1 + 7 + rand() * 5, 2.4 + rand() * 1.2, rand)
  for (const x of [-0.35 * R, 0, 0.35 * R]) lamp(ctx, c, x, lot1 - 0.5)

  // Parked cars, far rows first.
  const colours = ['#b8bcc2', '#2d3a4f', '#7a1f24', '#e5e5e0', '#39413a', '#5b6470', '#1f2328', '#8a6d3b', '#d1d5db']
  for (let i = rows.length - 1; i >= 0; i--) {
    const yc = rows[i] + 2.75
    for (let x = -half + stall / 2; x < half; x += stall) {
      if (rand() > 0.42) continue
      drawCar(ctx, c, x, yc, i % 2 === 0 ? 0 : Math.PI, colours[Math.floor(rand() * colours.length)])
    }
  }

  // Lens vignette.
  const vig = ctx.createRadialGradient(W / 2, H / 2, H * 0.35, W / 2, H / 2, H * 0.95)
  vig.addColorStop(0, 'rgba(0,0,0,0)')
  vig.addColorStop(1, 'rgba(0,0,0,0.38)')
  ctx.fillStyle = vig
  ctx.fillRect(0, 0, W, H)
}

function building (ctx: Ctx, c: CameraModel, x0: number, x1: number, y: number, h: number, colour: string, rand: () => number): void {
  poly(ctx, c, [[x0, y, 0], [x1, y, 0], [x1, y, h], [x0, y, h]])
  ctx.fillStyle = colour
  ctx.fill()
  poly(ctx, c, [[x0, y, h], [x1, y, h], [x1, y, h + 0.8], [x0, y, h + 0.8]])
  ctx.fillStyle = 'rgba(0,0,0,0.25)'
  ctx.fill()
  for (let z = 1.2; z + 2 < h; z += 3.4) {
    for (let x = x0 + 2; x < x1 - 2.4; x += 4) {
      poly(ctx, c, [[x, y - 0.1, z], [x + 2.4, y - 0.1, z], [x + 2.4, y - 0.1, z + 1.9], [x, y - 0.1, z + 1.9]])
      ctx.fillStyle = rand() < 0.2 ? '#e8d99a' : '#5d6f80'
      ctx.fill()
    }
  }
}

/** A person seen from the camera: a simple silhouette standing on the ground point. */
export function drawPerson (ctx: Ctx, c: CameraModel, x: number, y: number, phase: number): void {
  const b = project(c, x, y, 0)
  const ppm = pxPerMetre(c, b.depth)
  const h = 1.75 * ppm
  const w = 0.5 * ppm
  ctx.fillStyle = 'rgba(0,0,0,0.3)'
  ctx.beginPath()
  ctx.ellipse(b.u, b.v, w * 0.7, w * 0.2, 0, 0, Math.PI * 2)
  ctx.fill()
  const swing = Math.sin(phase) * w * 0.35
  ctx.strokeStyle = '#2b2f3a'
  ctx.lineCap = 'round'
  ctx.lineWidth = Math.max(1.5, w * 0.32)
  ctx.beginPath()
  ctx.moveTo(b.u, b.v - h * 0.47)
  ctx.lineTo(b.u - swing, b.v)
  ctx.moveTo(b.u, b.v - h * 0.47)
  ctx.lineTo(b.u + swing, b.v)
  ctx.stroke()
  ctx.fillStyle = '#3d5a80'
  ctx.beginPath()
  ctx.roundRect(b.u - w / 2, b.v - h * 0.82, w, h * 0.4, w * 0.25)
  ctx.fill()
  ctx.fillStyle = '#d9b99b'
  ctx.beginPath()
  ctx.arc(b.u, b.v - h * 0.9, w * 0.28, 0, Math.PI * 2)
  ctx.fill()
}
