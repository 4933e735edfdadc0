/**
 * The demo page: a camera "video" with the paired radar's view drawn over
 * it, the pairing panel, the live pairing state and events, and frame-rate
 * readouts. Data comes from /vapix/ws-data-stream (events and the
 * analytics-scene-description overlay).
 */
import { cameraModel, type CameraModel } from './camera-model.js'
import { drawBackground, drawCar, drawPerson } from './scene.js'
import { CLASS_STYLE, drawPlan, drawRadarView, drawTracks } from './overlay.js'
import { TrackTable } from './tracks.js'
import { DataStream } from './stream.js'
import { PairingPanel, type PairingElements } from './pairing.js'
import { TOPIC, type RadarView } from './types.js'

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`#${id} missing`)
  return el as T
}

const STATE_TEXT: Record<string, string> = {
  ok: 'Connected',
  'not-configured': 'Not configured',
  'not-active': 'Not active',
  'address-failed': 'Address failed',
  'connect-failed': 'Cannot connect',
  'authentication-failed': 'Authentication failed',
  'transfer-failed': 'Transfer failed',
  failed: 'Failed',
  connecting: 'Connecting…'
}

// ── state ──────────────────────────────────────────────────────────────────
const tracks = new TrackTable()
let radarView: RadarView | null = null
let pairingState = 'unknown'
let frameTimes: number[] = []
let renderTimes: number[] = []

// ── elements ───────────────────────────────────────────────────────────────
const view = $<HTMLCanvasElement>('view')
const plan = $<HTMLCanvasElement>('plan')
const stateEl = $('pairing-state')
const fpsEl = $('radar-fps')
const renderFpsEl = $('render-fps')
const countEl = $('track-count')
const streamEl = $('stream-status')
const eventsEl = $<HTMLOListElement>('events')
const viewInfo = $('view-info')
const trackRows = $('track-rows')

const panel = new PairingPanel({
  form: $<HTMLFormElement>('pairing-form'),
  address: $<HTMLInputElement>('address'),
  user: $<HTMLInputElement>('user'),
  password: $<HTMLInputElement>('password'),
  tls: $<HTMLInputElement>('tls'),
  tlsVerify: $<HTMLInputElement>('tls-verify'),
  cn: $<HTMLInputElement>('tls-cn'),
  tlsRow: $('tls-row'),
  cnRow: $('cn-row'),
  activate: $<HTMLButtonElement>('activate'),
  deactivate: $<HTMLButtonElement>('deactivate'),
  message: $('pairing-message')
} satisfies PairingElements, () => { showState() })

function showState (): void {
  const shown = pairingState === 'not-active' && panel.active ? 'connecting' : pairingState
  stateEl.textContent = STATE_TEXT[shown] ?? shown
  stateEl.dataset.state = pairingState
  stateEl.dataset.tone = shown === 'ok' ? 'ok' : shown.endsWith('failed') ? 'bad' : shown === 'connecting' ? 'busy' : 'idle'
  stateEl.title = `state: ${pairingState}`
}

function showView (): void {
  viewInfo.replaceChildren()
  const rows: Array<[string, string]> = radarView === null
    ? [['Field of view', 'no radar yet']]
    : [['Range', `${radarView.minRange}–${radarView.maxRange} m`], ['Azimuth', `${radarView.minAngle}° to ${radarView.maxAngle}°`]]
  for (const [k, v] of rows) {
    const dt = document.createElement('dt')
    dt.textContent = k
    const dd = document.createElement('dd')
    dd.textContent = v
    viewInfo.append(dt, dd)
  }
}

const shortTopic = (topic: string): string => topic.split('/').slice(-2).join('/').replace(/^tnsaxis:/, '')

function logEvent (topic: string, data: Record<string, string>, timestamp: number): void {
  const li = document.createElement('li')
  const time = document.createElement('time')
  time.textContent = new Date(timestamp).toLocaleTimeString([], { hour12: false })
  const what = document.createElement('span')
  what.className = 'topic'
  what.textContent = shortTopic(topic)
  what.title = topic
  const value = document.createElement('code')
  value.textContent = Object.entries(data).filter(([k, v]) => v !== '' && k !== 'reason').map(([k, v]) => `${k}=${v}`).join(' ')
  li.append(time, what, value)
  eventsEl.prepend(li)
  while (eventsEl.children.length > 8) eventsEl.lastElementChild?.remove()
}

// ── data stream ────────────────────────────────────────────────────────────
const stream = new DataStream({
  frame: (frame) => {
    const now = performance.now()
    tracks.apply(frame, now)
    frameTimes.push(now)
  },
  radarView: (v) => {
    const changed = JSON.stringify(v) !== JSON.stringify(radarView)
    radarView = v
    showView()
    if (changed) resize() // the camera frames the radar's coverage
  },
  event: (topic, data, timestamp) => {
    logEvent(topic, data, timestamp)
    if (topic === TOPIC.pairingState) {
      pairingState = data.state
      if (pairingState !== 'ok') tracks.clear()
      if (pairingState === 'ok') panel.say('Connected: the radar\'s tracks are drawn over the video.', 'ok')
      else if (pairingState.endsWith('failed')) panel.say(`The radar link failed (${STATE_TEXT[pairingState] ?? pairingState}); retrying.`, 'error')
      if (pairingState === 'not-active' || pairingState === 'not-configured') panel.setActive(false)
      else panel.setActive(true)
      showState()
    }
  },
  status: (status, detail) => {
    streamEl.dataset.status = status
    streamEl.textContent = status === 'open' ? 'live' : status
    streamEl.title = detail ?? ''
  }
})

function showTrackRows (): void {
  const list = [...tracks.tracks.values()].sort((a, b) => a.range - b.range)
  if (list.length === 0) {
    const tr = document.createElement('tr')
    tr.className = 'empty'
    const td = document.createElement('td')
    td.colSpan = 6
    td.textContent = pairingState === 'ok' ? 'No tracks in the field of view' : 'No radar data'
    tr.append(td)
    trackRows.replaceChildren(tr)
    return
  }
  trackRows.replaceChildren(...list.slice(0, 12).map((t) => {
    const tr = document.createElement('tr')
    const cells = [`#${t.id}`, CLASS_STYLE[t.type]?.label ?? t.type, `${Math.round(t.score * 100)} %`, `${t.range.toFixed(1)} m`, `${t.azimuth.toFixed(1)}°`, `${(t.speed * 3.6).toFixed(1)} km/h`]
    cells.forEach((text, i) => {
      const td = document.createElement('td')
      td.textContent = text
      if (i === 0) td.className = 'id'
      if (i === 1) { td.className = 'cls'; td.style.setProperty('--dot', CLASS_STYLE[t.type]?.colour ?? '#94a3b8') }
      if (i >= 2) td.classList.add('r')
      tr.append(td)
    })
    return tr
  }))
}
setInterval(showTrackRows, 250)

// ── rendering ──────────────────────────────────────────────────────────────
let model: CameraModel = cameraModel(1280, 720)
const background = document.createElement('canvas')
let dpr = 1

function resize (): void {
  dpr = Math.min(window.devicePixelRatio || 1, 2)
  const w = Math.max(320, Math.round(view.clientWidth))
  const h = Math.round(w * 9 / 16)
  view.width = Math.round(w * dpr)
  view.height = Math.round(h * dpr)
  model = cameraModel(w, h, radarView)
  background.width = view.width
  background.height = view.height
  const bctx = background.getContext('2d') as CanvasRenderingContext2D
  bctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  drawBackground(bctx, model, radarView?.maxRange ?? 60)
  const pw = Math.round(plan.clientWidth)
  plan.width = Math.round(pw * dpr)
  plan.height = Math.round(pw * 0.62 * dpr)
}

const ctx = view.getContext('2d') as CanvasRenderingContext2D
const pctx = plan.getContext('2d') as CanvasRenderingContext2D
let last = performance.now()

function osd (c: CanvasRenderingContext2D, m: CameraModel): void {
  const d = new Date()
  const pad = (n: number): string => String(n).padStart(2, '0')
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  c.save()
  c.font = '600 13px "JetBrains Mono", ui-monospace, monospace'
  c.textBaseline = 'top'
  c.fillStyle = 'rgba(0,0,0,0.45)'
  c.fillRect(10, 10, c.measureText(stamp).width + 14, 22)
  c.fillStyle = '#f1f5f9'
  c.fillText(stamp, 17, 14)
  const tag = 'CAM 1 · RADAR VIEW'
  const tw = c.measureText(tag).width + 14
  c.fillStyle = 'rgba(0,0,0,0.45)'
  c.fillRect(m.width - tw - 10, 10, tw, 22)
  c.fillStyle = '#f1f5f9'
  c.fillText(tag, m.width - tw - 3, 14)
  if (radarView === null || pairingState !== 'ok') {
    const msg = pairingState === 'ok' ? 'Waiting for the radar…' : 'No radar data — pair a radar in the panel'
    c.font = '600 15px Inter, system-ui, sans-serif'
    const w = c.measureText(msg).width + 28
    c.fillStyle = 'rgba(15,23,42,0.7)'
    c.beginPath()
    c.roundRect((m.width - w) / 2, m.height - 58, w, 34, 17)
    c.fill()
    c.fillStyle = '#e2e8f0'
    c.textBaseline = 'middle'
    c.fillText(msg, (m.width - w) / 2 + 14, m.height - 41)
  }
  c.restore()
}

function render (now: number): void {
  const dt = Math.min(200, now - last)
  last = now
  renderTimes.push(now)
  tracks.smooth(dt)

  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.drawImage(background, 0, 0)
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  // The "video" objects, far to near, then the radar's view over them.
  const list = [...tracks.tracks.values()].sort((a, b) => b.dy - a.dy)
  for (const t of list) {
    if (t.type === 'Vehicle') drawCar(ctx, model, t.dx, t.dy, t.heading, '#c7ccd3')
    else if (t.type === 'Human') drawPerson(ctx, model, t.dx, t.dy, t.phase)
  }
  const live = pairingState === 'ok'
  if (radarView !== null) drawRadarView(ctx, model, radarView, live)
  drawTracks(ctx, model, list, now)
  osd(ctx, model)

  pctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  drawPlan(pctx, plan.width / dpr, plan.height / dpr, radarView, list, now)

  frameTimes = frameTimes.filter((t) => now - t < 2000)
  renderTimes = renderTimes.filter((t) => now - t < 1000)
  const radarFps = frameTimes.length / 2
  fpsEl.textContent = `${radarFps.toFixed(1)} fps`
  renderFpsEl.textContent = `render ${renderTimes.length} fps · ${tracks.frames} frames`
  countEl.textContent = String(tracks.tracks.size)
  requestAnimationFrame(render)
}

// Legend.
const legend = $('legend-classes')
for (const [type, st] of Object.entries(CLASS_STYLE)) {
  const item = document.createElement('span')
  item.className = 'swatch'
  item.dataset.type = type
  item.textContent = st.label
  legend.append(item)
}

window.addEventListener('resize', resize)
resize()
showView()
showState()
void panel.load()
stream.start()
requestAnimationFrame(render)
