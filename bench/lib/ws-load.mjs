/**
 * WebSocket load generator (a separate process, driven over IPC): N raw
 * WebSocket clients on 127.0.0.1 that subscribe to
 * analytics-scene-description and time every scene frame from its radar
 * frame time (`params.notification.message.data.frame.timestamp`) to the
 * moment its last byte is read here.
 *
 * Deliberately lean so that the generator is not the bottleneck: a
 * hand-written RFC 6455 client (handshake, masked text frames out, unmasked
 * frames in), payloads are skipped except for their first 256 bytes, where
 * the frame timestamp is; ping → pong; no JSON parsing.
 *
 * Commands (process.send / 'message'): connect, ready, start, stop, pause,
 * resume, close. Each answers { id, ... }.
 */
import net from 'node:net'
import { randomBytes, createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { LatencyHistogram } from './stats.mjs'

const PREFIX_MAX = 256
const MARK = Buffer.from('"frame":{"timestamp":"')
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'
const origin = performance.timeOrigin
const now = () => origin + performance.now()

const clients = []
let recording = false
let hist = new LatencyHistogram()
let frames = 0
let others = 0
let closes = 0
const closeCodes = {}

/** "2025-01-01T00:00:00.123456Z" → epoch ms with the microseconds. */
function parseUtc (s) {
  return Date.parse(s.slice(0, 23) + 'Z') + Number(s.slice(23, 26)) / 1000
}

function maskedFrame (opcode, payload) {
  const mask = randomBytes(4)
  const len = payload.length
  const head = len < 126 ? 2 : 4
  const out = Buffer.allocUnsafe(head + 4 + len)
  out[0] = 0x80 | opcode
  if (len < 126) out[1] = 0x80 | len
  else { out[1] = 0x80 | 126; out.writeUInt16BE(len, 2) }
  mask.copy(out, head)
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i] ^ mask[i & 3]
  return out
}

class Client {
  constructor (socket) {
    this.socket = socket
    this.hdr = Buffer.alloc(14)
    this.hdrLen = 0
    this.need = 0
    this.opcode = 0
    this.prefix = Buffer.alloc(PREFIX_MAX)
    this.prefixLen = 0
    this.frames = 0
    this.closed = false
    this.onData = this.onData.bind(this)
  }

  onData (chunk) {
    const n = chunk.length
    let i = 0
    while (i < n) {
      if (this.need > 0) {
        const take = Math.min(this.need, n - i)
        if (this.prefixLen < PREFIX_MAX) {
          const c = Math.min(take, PREFIX_MAX - this.prefixLen)
          chunk.copy(this.prefix, this.prefixLen, i, i + c)
          this.prefixLen += c
        }
        this.need -= take
        i += take
        if (this.need === 0) this.message()
        continue
      }
      this.hdr[this.hdrLen++] = chunk[i++]
      if (this.hdrLen < 2) continue
      const b1 = this.hdr[1] & 0x7f
      const hl = b1 < 126 ? 2 : b1 === 126 ? 4 : 10
      if (this.hdrLen < hl) continue
      const len = b1 < 126 ? b1 : b1 === 126 ? this.hdr.readUInt16BE(2) : this.hdr.readUInt32BE(2) * 2 ** 32 + this.hdr.readUInt32BE(6)
      this.opcode = this.hdr[0] & 0x0f
      this.hdrLen = 0
      this.prefixLen = 0
      this.need = len
      if (len === 0) this.message()
    }
  }

  message () {
    const op = this.opcode
    if (op === 1) {
      const p = this.prefix.subarray(0, this.prefixLen)
      const at = p.indexOf(MARK)
      if (at >= 0) {
        this.frames++
        if (recording) {
          const t = parseUtc(p.toString('latin1', at + MARK.length, at + MARK.length + 27))
          frames++
          hist.add(now() - t)
        }
      } else if (recording) others++
    } else if (op === 9) {
      if (!this.socket.destroyed) this.socket.write(maskedFrame(0x0a, Buffer.from(this.prefix.subarray(0, this.prefixLen))))
    } else if (op === 8) {
      const code = this.prefixLen >= 2 ? this.prefix.readUInt16BE(0) : 1005
      closeCodes[code] = (closeCodes[code] ?? 0) + 1
      if (!this.socket.destroyed) this.socket.end(maskedFrame(0x08, Buffer.from(this.prefix.subarray(0, Math.min(2, this.prefixLen)))))
    }
  }
}

/** Opens one client: HTTP upgrade, then the subscription message. */
function open ({ host, port, path, auth, subscribe }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    socket.setNoDelay(true)
    const key = randomBytes(16).toString('base64')
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64')
    let head = Buffer.alloc(0)
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('handshake timeout')) }, 15_000)
    const fail = (err) => { clearTimeout(timer); socket.destroy(); reject(err) }
    socket.once('error', fail)
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${auth ? `Authorization: ${auth}\r\n` : ''}\r\n`)
    })
    const onHead = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) { if (head.length > 16384) fail(new Error('oversized handshake answer')); return }
      const text = head.toString('latin1', 0, end)
      if (!/^HTTP\/1\.1 101 /.test(text)) return fail(new Error(`upgrade refused: ${text.split('\r\n')[0]}`))
      if (!text.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) return fail(new Error('bad Sec-WebSocket-Accept'))
      clearTimeout(timer)
      socket.removeListener('data', onHead)
      socket.removeListener('error', fail)
      const c = new Client(socket)
      socket.on('data', c.onData)
      socket.on('error', () => {})
      socket.on('close', () => { if (!c.closed) { c.closed = true; closes++ } })
      if (end + 4 < head.length) c.onData(head.subarray(end + 4))
      socket.write(maskedFrame(0x01, Buffer.from(JSON.stringify(subscribe))))
      resolve(c)
    }
    socket.on('data', onHead)
  })
}

async function connect (m) {
  const errors = {}
  let failed = 0
  const parallel = 50
  let next = 0
  const worker = async () => {
    while (next < m.count) {
      next++
      try {
        clients.push(await open(m))
      } catch (err) {
        failed++
        errors[err.message] = (errors[err.message] ?? 0) + 1
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, m.count) }, worker))
  return { connected: clients.length, failed, errors }
}

async function ready ({ timeoutMs = 15_000 }) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const n = clients.filter((c) => c.frames > 0).length
    if (n === clients.length || Date.now() > deadline) return { ready: n, of: clients.length }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const handlers = {
  connect,
  ready,
  start: async () => {
    hist = new LatencyHistogram(); frames = 0; others = 0; recording = true
    return { t: Date.now() }
  },
  stop: async () => {
    recording = false
    return { frames, others, hist: hist.toJSON(), closes, closeCodes, open: clients.filter((c) => !c.closed).length }
  },
  status: async () => ({ closes, closeCodes, open: clients.filter((c) => !c.closed).length, frames: clients.reduce((a, c) => a + c.frames, 0) }),
  pause: async () => { for (const c of clients) c.socket.pause(); return {} },
  resume: async () => { for (const c of clients) c.socket.resume(); return {} },
  close: async () => {
    for (const c of clients) c.socket.destroy()
    setTimeout(() => process.exit(0), 50)
    return {}
  }
}

process.on('message', (m) => {
  const h = handlers[m.cmd]
  if (h === undefined) { process.send({ id: m.id, error: `unknown command ${m.cmd}` }); return }
  h(m).then((r) => process.send({ id: m.id, ...r }), (err) => process.send({ id: m.id, error: err.message }))
})
process.on('disconnect', () => process.exit(0))
