/**
 * BASELINE for the overlay benchmarks: a bare `ws` server that broadcasts
 * the same notification bytes as the camera (fifty-tracks frames made by the
 * project's own writer/reader/serialiser, stamped with the current time) at
 * the same rate to every client that has sent a message (the subscription).
 *
 * The idiomatic ws broadcast — `client.send(data)` to each open client —
 * plus the one guard any real server needs and the camera also has: a
 * client with more than 512 KiB unsent is skipped for that frame.
 * No authentication, no parsing of the radar stream, no JSON work per frame
 * beyond stamping the time. Driven over IPC: { cmd: 'rate', rate }.
 */
import { WebSocketServer, WebSocket } from 'ws'
import { notificationTemplates, stamper } from '../lib/frames.mjs'

const MAX_BUFFERED = 512 * 1024
const templates = await notificationTemplates(100)
const stamp = await stamper()

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024, clientTracking: false })
const subscribed = new Set()
wss.on('connection', (ws) => {
  ws.on('message', () => { subscribed.add(ws) })
  ws.on('close', () => { subscribed.delete(ws) })
  ws.on('error', () => {})
})
await new Promise((resolve) => wss.once('listening', resolve))

let rate = 0
let timer
let index = 0
let nextAt = 0
const stats = { frames: 0, sent: 0, skipped: 0 }

function tick () {
  const period = 1000 / rate
  const data = Buffer.from(stamp(templates[index++ % templates.length], Date.now()), 'utf8')
  stats.frames++
  for (const ws of subscribed) {
    if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount > MAX_BUFFERED) { stats.skipped++; continue }
    ws.send(data, { binary: false })
    stats.sent++
  }
  // Like the simulator: scheduled against the ideal time, skipping ahead after a long block.
  nextAt += period
  const now = performance.now()
  if (nextAt < now - period) nextAt += Math.floor((now - nextAt) / period) * period
  timer = setTimeout(tick, Math.max(0, nextAt - now))
}

function setRate (r) {
  clearTimeout(timer)
  rate = r
  if (rate > 0) { nextAt = performance.now(); tick() }
}

process.on('message', (m) => {
  if (m.cmd === 'rate') setRate(m.rate)
  process.send({ id: m.id, port: wss.address().port, ...stats })
})
process.on('disconnect', () => process.exit(0))
process.on('SIGTERM', () => process.exit(0))
process.send({ ready: true, port: wss.address().port })
