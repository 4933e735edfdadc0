/**
 * Test helpers for the radar simulator: a tiny deterministic scene (until a
 * test wants the real scenario engine), a raw RTSP client over real sockets,
 * and self-signed certificates.
 */
import net from 'node:net'
import tls from 'node:tls'
import type { RadarObject } from '../../src/onvif/model.js'
import type { RadarScene, SceneLoader } from '../../src/radar-sim/radar.js'
import { RtspStreamParser } from '../../src/rtsp/parser.js'
import { formatRequest, type InterleavedFrame, type RtspHeaderInit, type RtspResponse } from '../../src/rtsp/message.js'
import { DigestClient } from '../../src/vapix/digest.js'

export const MEDIA_QUERY = 'video=0&audio=0&event=off&analytics=polygon'

/** One object moving in a straight line: frame index → object. */
export function testObject (index: number, id = '1'): RadarObject {
  const range = 20 + index * 0.1
  const angle = -10 + (index % 200) * 0.1
  const x = angle / 30
  const y = -1 + range / 50
  return {
    id,
    class: index % 2 === 0 ? 'Human' : 'Vehicle',
    likelihood: 0.9,
    range,
    angle,
    distance: range,
    elevation: 0,
    azimuth: 90 - angle,
    speed: 1.2,
    direction: 45,
    velocityAngle: 45,
    size: 0.5,
    box: { left: x - 0.01, right: x + 0.01, top: y + 0.01, bottom: y - 0.01 },
    centerOfGravity: { x, y },
    polygon: [{ x: x - 0.01, y: y - 0.01 }, { x: x + 0.01, y: y - 0.01 }, { x: x + 0.01, y: y + 0.01 }, { x: x - 0.01, y: y + 0.01 }]
  }
}

export const TEST_PROPERTIES = {
  device: 'D2210-VE',
  minDetectionRange: 10,
  maxDetectionRange: 100,
  minHorizontalAngle: -30,
  maxHorizontalAngle: 30,
  minVerticalAngle: -20,
  maxVerticalAngle: 20,
  maxRadarObjects: 50,
  maxObjectSpeed: 120.5
}

/** A loader of synthetic scenes: "one" (one object), "empty", "big:<n>" (n objects, large documents). */
export const testLoader: SceneLoader = async (scenario, seed) => {
  let count: number
  if (scenario === 'one') count = 1
  else if (scenario === 'empty') count = 0
  else if (/^big:\d+$/.test(scenario)) count = Number(scenario.slice(4))
  else throw new Error(`no test scenario ${JSON.stringify(scenario)}`)
  const scene: RadarScene = {
    scenario,
    seed,
    properties: TEST_PROPERTIES,
    source: { objectsAt: (index) => Array.from({ length: count }, (_, k) => testObject(index + k + seed, String(k + 1))) }
  }
  return scene
}

export interface Received { response?: RtspResponse, frame?: InterleavedFrame }

/** A minimal RTSP client for tests: sends requests, collects responses and interleaved frames. */
export class TestRtspClient {
  readonly parser = new RtspStreamParser({ maxBodyBytes: 64 * 1024 })
  readonly responses: RtspResponse[] = []
  readonly frames: InterleavedFrame[] = []
  private cseq = 0
  private waiters: Array<() => void> = []
  closed = false
  digest: DigestClient | undefined
  session: string | undefined
  error: Error | undefined

  private constructor (readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const m of this.parser.push(chunk)) {
          if (m.kind === 'response') this.responses.push(m)
          else if (m.kind === 'interleaved') this.frames.push(m)
        }
      } catch (err) {
        this.error = err as Error
        socket.destroy()
      }
      this.wake()
    })
    socket.on('close', () => { this.closed = true; this.wake() })
    socket.on('error', (err) => { this.error = err })
  }

  static async connect (port: number, opts: { tls?: boolean } = {}): Promise<TestRtspClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s: net.Socket = opts.tls === true
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve(s))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(s))
      s.once('error', reject)
    })
    return new TestRtspClient(socket)
  }

  private wake (): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** Resolves when `pred` holds (checked on every arrival); rejects after `ms`. */
  async until (pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((resolve) => {
        // Woken by arrivals; also polls, for conditions about the server's side.
        const t = setTimeout(resolve, Math.max(1, Math.min(25, deadline - Date.now())))
        this.waiters.push(() => { clearTimeout(t); resolve() })
      })
    }
  }

  send (raw: Buffer | string): void { this.socket.write(raw) }

  /** Sends a request (with Digest credentials once a challenge was seen) and awaits its answer. */
  async request (method: string, uri: string, headers: RtspHeaderInit = {}): Promise<RtspResponse> {
    const cseq = ++this.cseq
    const h: RtspHeaderInit = { ...headers }
    if (this.digest?.hasChallenge === true && h.Authorization === undefined) h.Authorization = this.digest.authorization(method, uri)
    if (this.session !== undefined && h.Session === undefined) h.Session = this.session
    this.socket.write(formatRequest({ method, uri, cseq, headers: h }))
    let found: RtspResponse | undefined
    await this.until(() => {
      found = this.responses.find((r) => r.headers.cseq === String(cseq))
      return found !== undefined || this.closed
    }, 5000, `answer to ${method}`)
    if (found === undefined) throw new Error(`connection closed before the answer to ${method}`)
    if (found.status === 401 && this.digest !== undefined && !this.digest.hasChallenge && headers.Authorization === undefined) {
      this.digest.setChallenge(found.headers['www-authenticate'])
      return this.request(method, uri, headers)
    }
    return found
  }

  async close (): Promise<void> {
    if (this.closed) return
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.destroy()
    })
  }
}

/** A self-signed certificate for 127.0.0.1 / localhost, made at test time. */
export async function selfSigned (): Promise<{ cert: string, key: string }> {
  const selfsigned = await import('selfsigned')
  const gen = (selfsigned as unknown as { generate: (a: unknown, o: unknown) => Promise<{ cert: string, private: string }> }).generate ??
    (selfsigned as unknown as { default: { generate: (a: unknown, o: unknown) => Promise<{ cert: string, private: string }> } }).default.generate
  const pems = await gen([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' })
  return { cert: pems.cert, key: pems.private }
}

export interface HttpResult { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** One HTTP(S) request on a fresh connection (no keep-alive, nothing left open). */
export async function httpRequest (opts: { port: number, tls?: boolean, method?: string, path: string, headers?: Record<string, string>, body?: string }): Promise<HttpResult> {
  const mod = opts.tls === true ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: '127.0.0.1',
      port: opts.port,
      method: opts.method ?? 'GET',
      path: opts.path,
      agent: false,
      rejectUnauthorized: false,
      headers: { connection: 'close', ...(opts.body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers }
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

/** A request answered with Digest: first without credentials, then with the challenge answered. */
export async function digestRequest (opts: { port: number, tls?: boolean, method?: string, path: string, body?: string, user?: string, password?: string }): Promise<HttpResult & { first: HttpResult }> {
  const first = await httpRequest(opts)
  if (first.status !== 401) return { ...first, first }
  const client = new DigestClient(opts.user ?? 'root', opts.password ?? 'radar')
  if (!client.setChallenge(first.headers['www-authenticate'])) throw new Error('no Digest challenge')
  const second = await httpRequest({ ...opts, headers: { authorization: client.authorization(opts.method ?? 'GET', opts.path) } })
  return { ...second, first }
}

/** POST a VAPIX JSON body with Digest. */
export async function jsonCall (port: number, path: string, body: unknown, opts: { tls?: boolean, user?: string, password?: string } = {}): Promise<HttpResult & { json: any }> {
  const r = await digestRequest({ port, path, method: 'POST', body: JSON.stringify(body), ...opts })
  let json: unknown
  try { json = JSON.parse(r.body) } catch { json = undefined }
  return { ...r, json }
}
