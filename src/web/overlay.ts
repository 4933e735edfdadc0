/**
 * The radar view drawn over the video without masking it: the field-of-view
 * wedge and range rings on the ground plane, then each track as a box
 * standing on its ground point (range + azimuth), with its trail and label.
 * Also the top-down radar plan of the side panel.
 */
import { project, pxPerMetre, polarToGround, type CameraModel } from './camera-model.js'
import type { Track } from './tracks.js'
import type { RadarView } from './types.js'

type Ctx = CanvasRenderingContext2D

export const CLASS_STYLE: Record<string, { colour: string, label: string, w: number, h: number }> = {
  Human: { colour: '#ffb020', label: 'Human', w: 0.8, h: 1.9 },
  Vehicle: { colour: '#38bdf8', label: 'Vehicle', w: 2.0, h: 1.7 },
  Unknown: { colour: '#c084fc', label: 'Unknown', w: 1.0, h: 1.2 },
  SmallObject: { colour: '#a3e635', label: 'Small object', w: 0.6, h: 0.6 }
}
const styleOf = (type: string): { colour: string, label: string, w: number, h: number } => CLASS_STYLE[type] ?? CLASS_STYLE.Unknown

const rad = (deg: number): number => deg * Math.PI / 180

/** Ring spacing giving 3–6 rings over the range. */
export function ringStep (maxRange: number): number {
  for (const s of [5, 10, 20, 25, 50, 100]) if (maxRange / s <= 6) return s
  return 200
}

function arc (ctx: Ctx, c: CameraModel, r: number, a0: number, a1: number, first: boolean): void {
  const n = 64
  for (let i = 0; i <= n; i++) {
    const a = a0 + (a1 - a0) * i / n
    const g = polarToGround(r, a)
    const p = project(c, g.x, g.y)
    if (i === 0 && first) ctx.moveTo(p.u, p.v); else ctx.lineTo(p.u, p.v)
  }
}

export function drawRadarView (ctx: Ctx, c: CameraModel, view: RadarView, live: boolean): void {
  const { minAngle, maxAngle } = view
  const minR = Math.max(view.minRange, 0.5)
  const maxR = view.maxRange
  ctx.save()
  // The wedge: a light tint, so the image stays visible underneath.
  ctx.beginPath()
  arc(ctx, c, minR, minAngle, maxAngle, true)
  arc(ctx, c, maxR, maxAngle, minAngle, false)
  ctx.closePath()
  const grad = ctx.createLinearGradient(0, project(c, 0, maxR).v, 0, c.height)
  const tint = live ? '56,189,248' : '148,163,184'
  grad.addColorStop(0, `rgba(${tint},0.04)`)
  grad.addColorStop(1, `rgba(${tint},0.13)`)
  ctx.fillStyle = grad
  ctx.fill()
  ctx.lineWidth = 1.5
  ctx.strokeStyle = `rgba(${tint},0.75)`
  ctx.stroke()

  // Range rings with labels along the right edge.
  const step = ringStep(maxR)
  let lastLabelV = Number.POSITIVE_INFINITY
  ctx.setLineDash([6, 6])
  ctx.lineWidth = 1
  ctx.font = '600 12px Inter, system-ui, sans-serif'
  ctx.textBaseline = 'middle'
  for (let r = step; r < maxR + 0.01; r += step) {
    ctx.beginPath()
    arc(ctx, c, r, minAngle, maxAngle, true)
    ctx.strokeStyle = `rgba(${tint},0.45)`
    ctx.stroke()
    const g = polarToGround(r, maxAngle)
    const p = project(c, g.x, g.y)
    if (p.u > 0 && p.u < c.width - 40 && p.v > 0 && p.v < c.height && lastLabelV - p.v > 18) {
      label(ctx, `${r} m`, p.u + 6, p.v, 'rgba(15,23,42,0.72)', '#e2e8f0')
      lastLabelV = p.v
    }
  }
  ctx.setLineDash([])
  // Bearing spokes every 15°.
  ctx.strokeStyle = `rgba(${tint},0.18)`
  for (let a = Math.ceil(minAngle / 15) * 15; a <= maxAngle; a += 15) {
    const g0 = polarToGround(minR, a)
    const g1 = polarToGround(maxR, a)
    const p0 = project(c, g0.x, g0.y)
    const p1 = project(c, g1.x, g1.y)
    ctx.beginPath()
    ctx.moveTo(p0.u, p0.v)
    ctx.lineTo(p1.u, p1.v)
    ctx.stroke()
  }
  ctx.restore()
}

function label (ctx: Ctx, text: string, x: number, y: number, bg: string, fg: string): void {
  const w = ctx.measureText(text).width + 10
  ctx.fillStyle = bg
  ctx.beginPath()
  ctx.roundRect(x, y - 9, w, 18, 4)
  ctx.fill()
  ctx.fillStyle = fg
  ctx.fillText(text, x + 5, y + 0.5)
}

/** Tracks far to near, each as a bracketed box, a ground ring, a trail and a label. */
export function drawTracks (ctx: Ctx, c: CameraModel, tracks: Iterable<Track>, now: number): void {
  const list = [...tracks].sort((a, b) => b.dy - a.dy)
  const labels: Array<{ t: Track, st: { colour: string, label: string }, cx: number, top: number }> = []
  ctx.save()
  for (const t of list) {
    const st = styleOf(t.type)
    // Trail on the ground, fading with age.
    if (t.trail.length > 1) {
      ctx.lineWidth = 2
      ctx.lineCap = 'round'
      for (let i = 1; i < t.trail.length; i++) {
        const a = t.trail[i - 1]
        const b = t.trail[i]
        const pa = project(c, a.x, a.y)
        const pb = project(c, b.x, b.y)
        ctx.strokeStyle = hexAlpha(st.colour, 0.15 + 0.65 * Math.max(0, 1 - (now - b.t) / 4000))
        ctx.beginPath()
        ctx.moveTo(pa.u, pa.v)
        ctx.lineTo(pb.u, pb.v)
        ctx.stroke()
      }
    }
    const base = project(c, t.dx, t.dy)
    if (base.depth <= 0.5) continue
    const ppm = pxPerMetre(c, base.depth)
    const top = project(c, t.dx, t.dy, st.h)
    const w = Math.max(8, st.w * ppm)
    const x0 = base.u - w / 2
    const y0 = top.v
    const h = Math.max(10, base.v - top.v)
    // Ground ring.
    ctx.strokeStyle = hexAlpha(st.colour, 0.9)
    ctx.lineWidth = 2
    ctx.beginPath()
    ctx.ellipse(base.u, base.v, w * 0.62, Math.max(3, w * 0.16), 0, 0, Math.PI * 2)
    ctx.stroke()
    // Box: faint fill, bright corners.
    ctx.fillStyle = hexAlpha(st.colour, 0.1)
    ctx.fillRect(x0, y0, w, h)
    ctx.strokeStyle = hexAlpha(st.colour, 0.55)
    ctx.lineWidth = 1
    ctx.strokeRect(x0, y0, w, h)
    ctx.strokeStyle = st.colour
    ctx.lineWidth = 2.5
    const k = Math.min(w, h) * 0.28
    ctx.beginPath()
    for (const [cx, cy, sx, sy] of [[x0, y0, 1, 1], [x0 + w, y0, -1, 1], [x0, y0 + h, 1, -1], [x0 + w, y0 + h, -1, -1]] as const) {
      ctx.moveTo(cx + sx * k, cy)
      ctx.lineTo(cx, cy)
      ctx.lineTo(cx, cy + sy * k)
    }
    ctx.stroke()
    labels.push({ t, st, cx: base.u, top: y0 })
  }
  // Labels last, nearest first, moved up past the ones already placed.
  const placed: Array<{ x: number, y: number, w: number, h: number }> = []
  ctx.font = '600 12px Inter, system-ui, sans-serif'
  ctx.textBaseline = 'middle'
  for (const { t, st, cx, top } of labels.reverse()) {
    const text = `#${t.id} ${st.label} ${Math.round(t.score * 100)}%`
    const sub = `${t.range.toFixed(1)} m · ${(t.speed * 3.6).toFixed(1)} km/h`
    ctx.font = '600 12px Inter, system-ui, sans-serif'
    const tw = Math.max(ctx.measureText(text).width, ctx.measureText(sub).width + 2) + 16
    const lh = 36
    const lx = Math.min(Math.max(4, cx - tw / 2), c.width - tw - 4)
    let ly = top - lh - 8
    for (let k = 0; k < 8; k++) {
      const hit = placed.find((r) => lx < r.x + r.w + 4 && lx + tw + 4 > r.x && ly < r.y + r.h + 4 && ly + lh + 4 > r.y)
      if (hit === undefined) break
      ly = hit.y - lh - 6
    }
    ly = Math.max(4, ly)
    placed.push({ x: lx, y: ly, w: tw, h: lh })
    if (ly + lh < top - 2) {
      ctx.strokeStyle = hexAlpha(st.colour, 0.6)
      ctx.lineWidth = 1
      ctx.beginPath()
      ctx.moveTo(cx, top)
      ctx.lineTo(Math.min(Math.max(cx, lx + 8), lx + tw - 8), ly + lh)
      ctx.stroke()
    }
    ctx.fillStyle = 'rgba(15,23,42,0.84)'
    ctx.beginPath()
    ctx.roundRect(lx, ly, tw, lh, 6)
    ctx.fill()
    ctx.fillStyle = st.colour
    ctx.fillRect(lx, ly + 6, 3, lh - 12)
    ctx.fillStyle = '#f8fafc'
    ctx.fillText(text, lx + 10, ly + 11)
    ctx.fillStyle = '#94a3b8'
    ctx.font = '500 11px Inter, system-ui, sans-serif'
    ctx.fillText(sub, lx + 10, ly + 26)
  }
  ctx.restore()
}

/** The top-down plan: wedge, rings, tracks as dots with trails. */
export function drawPlan (ctx: Ctx, width: number, height: number, view: RadarView | null, tracks: Iterable<Track>, now: number): void {
  ctx.clearRect(0, 0, width, height)
  const v = view ?? { minRange: 0, maxRange: 60, minAngle: -45, maxAngle: 45 }
  const ox = width / 2
  const oy = height - 14
  const halfSpan = Math.max(Math.abs(Math.sin(rad(v.minAngle))), Math.abs(Math.sin(rad(v.maxAngle))))
  const scale = Math.min((oy - 10) / v.maxRange, (width / 2 - 10) / Math.max(0.2, halfSpan * v.maxRange))
  const toPx = (x: number, y: number): [number, number] => [ox + x * scale, oy - y * scale]
  const bearing = (a: number): number => -Math.PI / 2 + rad(a)

  ctx.save()
  ctx.beginPath()
  ctx.moveTo(ox, oy)
  ctx.arc(ox, oy, v.maxRange * scale, bearing(v.minAngle), bearing(v.maxAngle))
  ctx.closePath()
  ctx.fillStyle = view === null ? 'rgba(148,163,184,0.06)' : 'rgba(56,189,248,0.08)'
  ctx.fill()
  ctx.strokeStyle = view === null ? 'rgba(148,163,184,0.5)' : 'rgba(56,189,248,0.6)'
  ctx.lineWidth = 1
  ctx.stroke()
  const step = ringStep(v.maxRange)
  ctx.font = '500 10px Inter, system-ui, sans-serif'
  ctx.fillStyle = '#64748b'
  ctx.textBaseline = 'middle'
  for (let r = step; r < v.maxRange + 0.01; r += step) {
    ctx.beginPath()
    ctx.arc(ox, oy, r * scale, bearing(v.minAngle), bearing(v.maxAngle))
    ctx.strokeStyle = 'rgba(148,163,184,0.22)'
    ctx.stroke()
    const g = polarToGround(r, v.maxAngle)
    const [lx, ly] = toPx(g.x, g.y)
    ctx.fillText(`${r}`, lx + 4, ly)
  }
  for (const t of tracks) {
    const st = styleOf(t.type)
    ctx.strokeStyle = hexAlpha(st.colour, 0.5)
    ctx.lineWidth = 1.5
    ctx.beginPath()
    t.trail.forEach((p, i) => {
      const [x, y] = toPx(p.x, p.y)
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y)
    })
    ctx.stroke()
    const [x, y] = toPx(t.dx, t.dy)
    ctx.fillStyle = st.colour
    ctx.beginPath()
    ctx.arc(x, y, 4, 0, Math.PI * 2)
    ctx.fill()
    ctx.strokeStyle = 'rgba(15,23,42,0.9)'
    ctx.lineWidth = 1
    ctx.stroke()
  }
  // The radar itself.
  ctx.fillStyle = '#f8fafc'
  ctx.beginPath()
  ctx.arc(ox, oy, 3, 0, Math.PI * 2)
  ctx.fill()
  ctx.restore()
  void now
}

function hexAlpha (hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a.toFixed(3)})`
}
