/**
 * Test-side data-stream clients: a `ws` client that collects parsed
 * messages, a refused-upgrade probe, and a raw TCP client that performs the
 * handshake and then stops reading (a stalled viewer).
 */
import { connect as netConnect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { WebSocket } from 'ws'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { TrackFrame } from '../../src/tracks/model.js'
import type { RadarObject } from '../../src/onvif/model.js'

export async function listen (app: FastifyInstance): Promise<{ base: string, port: number }> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  if (addr === null || typeof addr === 'string') throw new Error('no port')
  return { base: `ws://127.0.0.1:${addr.port}`, port: addr.port }
}

export interface Client {
  ws: WebSocket
  messages: any[]
  /** Resolves with the next message (after those already taken) that `pred` accepts. */
  next: (pred?: (m: any) => boolean, ms?: number) => Promise<any>
  send: (body: unknown) => void
  /** Sends and waits for the reply to `method`. */
  call: (body: Record<string, unknown>) => Promise<any>
  closed: Promise<{ code: number, reason: string }>
  close: () => Promise<void>
}

export async function connect (url: string, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(url, { headers })
  const messages: any[] = []
  let taken = 0
  let wake: (() => void) | undefined
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()))
    wake?.()
  })
  const closed = new Promise<{ code: number, reason: string }>((resolve) => {
    ws.on('close', (code, reason) => { resolve({ code, reason: reason.toString() }); wake?.() })
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => { resolve() })
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => { reject(new Error(`unexpected response ${res.statusCode}`)) })
  })
  ws.on('error', () => {})
  const next = async (pred: (m: any) => boolean = () => true, ms = 5000): Promise<any> => {
    const end = Date.now() + ms
    for (;;) {
      while (taken < messages.length) {
        const m = messages[taken++]
        if (pred(m)) return m
      }
      if (ws.readyState === WebSocket.CLOSED) throw new Error('closed while waiting for a message')
      const left = end - Date.now()
      if (left <= 0) throw new Error('timed out waiting for a message')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        wake = () => { clearTimeout(timer); wake = undefined; resolve() }
      })
    }
  }
  const send = (body: unknown): void => { ws.send(typeof body === 'string' ? body : JSON.stringify(body)) }
  return {
    ws,
    messages,
    next,
    send,
    call: async (body) => {
      send(body)
      return next((m) => m.method === body.method && ('data' in m || 'error' in m))
    },
    closed,
    close: async () => {
      if (ws.readyState !== WebSocket.CLOSED) { ws.close(); await closed }
    }
  }
}

/** An upgrade the server refuses: its status, headers and body. */
export async function refused (url: string, headers: Record<string, string> = {}): Promise<{ status: number, headers: IncomingHttpHeaders, body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => { ws.terminate(); reject(new Error('the upgrade was accepted')) })
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => { body += c })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body }) })
      res.on('error', reject)
    })
  })
}

/**
 * A raw TCP client that performs the WebSocket handshake, optionally sends
 * some (masked) text messages, then never reads again.
 */
export async function stalledClient (port: number, path: string, authorization: string, messages: string[] = []): Promise<Socket> {
  const socket = netConnect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.setNoDelay(true)
  const key = randomBytes(16).toString('base64')
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nAuthorization: ${authorization}\r\n\r\n`)
  let head = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      socket.off('data', onData)
      socket.pause()
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head.split('\r\n')[0])); else resolve()
    }
    socket.on('data', onData)
    socket.once('error', reject)
  })
  for (const m of messages) socket.write(maskedText(m))
  socket.on('error', () => {})
  return socket
}

/** A client→server (masked) text frame. */
export function maskedText (text: string): Buffer {
  const payload = Buffer.from(text)
  const n = payload.length
  const head = n < 126 ? 2 : n < 65536 ? 4 : 10
  const out = Buffer.alloc(head + 4 + n)
  out[0] = 0x81
  if (head === 2) out[1] = 0x80 | n
  else if (head === 4) { out[1] = 0x80 | 126; out.writeUInt16BE(n, 2) } else { out[1] = 0x80 | 127; out.writeBigUInt64BE(BigInt(n), 2) }
  const mask = randomBytes(4)
  mask.copy(out, head)
  for (let i = 0; i < n; i++) out[head + 4 + i] = payload[i] ^ mask[i & 3]
  return out
}

export function radarObject (over: Partial<RadarObject> = {}): RadarObject {
  return {
    id: '88', class: 'Vehicle', likelihood: 0.75, range: 14.49, angle: 23.91, distance: 14.49, elevation: 0, azimuth: 66.09,
    speed: 1.05, direction: 343.6, velocityAngle: 343.6, size: 0,
    box: { left: 0.1, top: 0.54, right: 0.13, bottom: 0.44 }, centerOfGravity: { x: 0.115, y: 0.49 }, polygon: [],
    ...over
  }
}

export function trackFrame (n: number, objects: RadarObject[] = [radarObject()], ended: string[] = []): TrackFrame {
  const timeMs = 1_795_626_000_000 + n * 100
  return { utcTime: new Date(timeMs).toISOString().replace('Z', '000Z'), timeMs, receivedMs: timeMs, objects, ended }
}

export const RADAR_PROPERTIES = {
  device: 'Axis D2210-VE', minDetectionRange: 1, maxDetectionRange: 60, minHorizontalAngle: -47.5, maxHorizontalAngle: 47.5,
  minVerticalAngle: -10, maxVerticalAngle: 10, maxRadarObjects: 100, maxObjectSpeed: 200, networkPaired: true
}

/** Parses unmasked server→client frames from a byte stream (test-side, independent of src/). */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0)
  readonly frames: Array<{ opcode: number, payload: Buffer }> = []

  push (chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    for (;;) {
      if (this.buf.length < 2) return
      let len = this.buf[1] & 0x7f
      let off = 2
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4 } else if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10 }
      if (this.buf.length < off + len) return
      this.frames.push({ opcode: this.buf[0] & 0x0f, payload: this.buf.subarray(off, off + len) })
      this.buf = this.buf.subarray(off + len)
    }
  }

  /** The close frame's code and reason, once read. */
  get close (): { code: number, reason: string } | undefined {
    const f = this.frames.find((x) => x.opcode === 8)
    return f === undefined ? undefined : { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() }
  }
}
