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

/** Draws the static scene at the canvas' pixel size. */
export function drawBackground (ctx: Ctx, c: CameraModel): void {
  const rand = rng(20261125)
  const W = c.width
  const H = c.height
  const horizon = project(c, 0, 5000, 0).v

  const sky = ctx.createLinearGradient(0, 0, 0, horizon)
  sky.addColorStop(0, '#6f8fb3')
  sky.addColorStop(1, '#c9d6e2')
  ctx.fillStyle = sky
  ctx.fillRect(0, 0, W, horizon + 1)

  // Distant skyline and tree line at the horizon.
  ctx.fillStyle = '#8c99a6'
  for (let x = -20; x < W; x += 14 + rand() * 40) {
    const h = 6 + rand() * 26
    ctx.fillRect(x, horizon - h, 10 + rand() * 30, h + 1)
  }
  ctx.fillStyle = '#3f5a45'
  ctx.beginPath()
  ctx.moveTo(0, horizon + 2)
  for (let x = 0; x <= W; x += 8) ctx.lineTo(x, horizon - 4 - rand() * 9)
  ctx.lineTo(W, horizon + 2)
  ctx.closePath()
  ctx.fill()

  // Ground: grass everywhere, then the built surfaces near to far.
  const grass = ctx.createLinearGradient(0, horizon, 0, H)
  grass.addColorStop(0, '#5d7150')
  grass.addColorStop(1, '#4b6240')
  ctx.fillStyle = grass
  ctx.fillRect(0, horizon, W, H - horizon)

  groundRect(ctx, c, -400, 400, 44, 48, '#8a8d86') // far sidewalk
  groundRect(ctx, c, -400, 400, 36, 44, '#3c3f44') // road
  groundRect(ctx, c, -400, 400, 33.5, 36, '#9a9c97') // near sidewalk
  groundRect(ctx, c, -60, 60, 2, 33.5, '#54575c') // parking lot

  // Road markings: a dashed centre line and edge lines.
  for (let x = -400; x < 400; x += 9) groundRect(ctx, c, x, x + 4.5, 39.9, 40.1, '#e9e3c4')
  groundRect(ctx, c, -400, 400, 36.2, 36.35, '#d9d9d0')
  groundRect(ctx, c, -400, 400, 43.65, 43.8, '#d9d9d0')

  // Parking stalls: two rows facing a driving aisle.
  for (const [y0, y1] of [[9, 14.5], [21, 26.5]] as const) {
    for (let x = -30; x <= 30; x += 2.6) groundRect(ctx, c, x - 0.06, x + 0.06, y0, y1, '#e6e6e0')
    groundRect(ctx, c, -30, 30, y0 === 9 ? y0 - 0.06 : y1 - 0.06, y0 === 9 ? y0 + 0.06 : y1 + 0.06, '#e6e6e0')
  }
  // Aisle arrows.
  for (const x of [-14, 14]) {
    poly(ctx, c, [[x - 0.35, 16.5], [x + 0.35, 16.5], [x + 0.35, 18.4], [x + 0.9, 18.4], [x, 19.6], [x - 0.9, 18.4], [x - 0.35, 18.4]])
    ctx.fillStyle = '#dcdcd4'
    ctx.fill()
  }

  // Asphalt texture: faint speckles and patches.
  for (let i = 0; i < 900; i++) {
    const x = -40 + rand() * 80
    const y = 2 + rand() * 31
    const p = project(c, x, y)
    const s = pxPerMetre(c, p.depth) * 0.05
    ctx.fillStyle = rand() < 0.5 ? 'rgba(255,255,255,0.05)' : 'rgba(0,0,0,0.08)'
    ctx.fillRect(p.u, p.v, Math.max(1, s * 6), Math.max(1, s * 2))
  }

  // The building beyond the road.
  const bx0 = -46
  const bx1 = 14
  poly(ctx, c, [[bx0, 62, 0], [bx1, 62, 0], [bx1, 62, 11], [bx0, 62, 11]])
  ctx.fillStyle = '#b9b2a5'
  ctx.fill()
  poly(ctx, c, [[bx0, 62, 11], [bx1, 62, 11], [bx1, 62, 11.8], [bx0, 62, 11.8]])
  ctx.fillStyle = '#8d877c'
  ctx.fill()
  for (let row = 0; row < 3; row++) {
    for (let x = bx0 + 2; x < bx1 - 2; x += 4) {
      const z = 1.2 + row * 3.4
      poly(ctx, c, [[x, 61.9, z], [x + 2.4, 61.9, z], [x + 2.4, 61.9, z + 1.9], [x, 61.9, z + 1.9]])
      ctx.fillStyle = rand() < 0.2 ? '#e8d99a' : '#5d6f80'
      ctx.fill()
    }
  }
  poly(ctx, c, [[22, 70, 0], [60, 70, 0], [60, 70, 7], [22, 70, 7]])
  ctx.fillStyle = '#a6afb5'
  ctx.fill()

  // Trees and lamps along the road, bushes by the lot.
  for (let x = -70; x <= 70; x += 11 + rand() * 6) tree(ctx, c, x, 50 + rand() * 4, 2.2 + rand(), rand)
  for (const x of [-24, 0, 24]) lamp(ctx, c, x, 31)

  // Parked cars (static), far row first.
  const colours = ['#b8bcc2', '#2d3a4f', '#7a1f24', '#e5e5e0', '#39413a', '#5b6470', '#1f2328', '#8a6d3b']
  for (const [yc, fill] of [[23.75, 0.5], [11.75, 0.16]] as const) {
    for (let x = -28.7; x < 29; x += 2.6) {
      if (rand() > fill) continue
      drawCar(ctx, c, x, yc, 0, colours[Math.floor(rand() * colours.length)])
    }
  }
  // Foreground lot edge (kerb).
  groundRect(ctx, c, -60, 60, 2, 2.4, '#a9aaa5')

  // Lens vignette.
  const vig = ctx.createRadialGradient(W / 2, H / 2, H * 0.35, W / 2, H / 2, H * 0.95)
  vig.addColorStop(0, 'rgba(0,0,0,0)')
  vig.addColorStop(1, 'rgba(0,0,0,0.38)')
  ctx.fillStyle = vig
  ctx.fillRect(0, 0, W, H)
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
