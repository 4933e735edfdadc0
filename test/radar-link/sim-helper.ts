/**
 * Test helpers for the radar link: the project's radar simulator on
 * loopback (ephemeral ports) with a small deterministic scene, self-signed
 * certificates made at test time, a recording TrackSink and a report log.
 */
import { createServer, type AddressInfo } from 'node:net'
import { generate } from 'selfsigned'
import { pino } from 'pino'
import { createLinkStarter, type LinkDeps, type LinkTimeouts } from '../../src/radar-link/link.js'
import type { LinkHandle } from '../../src/pairing/link-port.js'
import type { PairingConfig, Profile } from '../../src/pairing/schema.js'
import { startRadarSimulator, type RadarSimulator, type RadarSimulatorOptions } from '../../src/radar-sim/radar.js'
import type { RadarObject } from '../../src/onvif/model.js'
import type { LinkReport } from '../../src/pairing/link-port.js'
import type { TrackFrame, TrackSink } from '../../src/tracks/model.js'
import type { RadarProperties } from '../../src/onvif/model.js'

export const RADAR_USER = 'root'
export const RADAR_PASSWORD = 'radar'

export function radarObject (id: string, i: number): RadarObject {
  const range = 20 + (i % 50) * 0.1
  const angle = -10 + Number(id)
  return {
    id,
    class: 'Human',
    likelihood: 0.9,
    range,
    angle,
    distance: range,
    elevation: 0,
    azimuth: 90 - angle,
    speed: 1.2,
    direction: 80,
    velocityAngle: 10,
    size: 0.5,
    box: { left: 0.1, top: 0.3, right: 0.2, bottom: 0.2 },
    centerOfGravity: { x: 0.15, y: 0.25 },
    polygon: [{ x: 0.1, y: 0.3 }, { x: 0.2, y: 0.3 }, { x: 0.2, y: 0.2 }, { x: 0.1, y: 0.2 }]
  }
}

/** Object 1 is always there; object 2 only in the first 3 frames of a session (so it ends). */
export const TEST_SOURCE = {
  objectsAt: (i: number): readonly RadarObject[] => i < 3 ? [radarObject('1', i), radarObject('2', i)] : [radarObject('1', i)]
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

export async function startSim (opts: Partial<RadarSimulatorOptions> = {}): Promise<RadarSimulator> {
  return startRadarSimulator({
    host: '127.0.0.1',
    rate: 20,
    loadScene: async (scenario, seed) => ({ scenario, seed, properties: TEST_PROPERTIES, source: TEST_SOURCE }),
    ...opts
  })
}

export interface TestCert { cert: string, key: string, ca: string }

/** A CA and a server certificate it signs, for CN `cn`, valid for 127.0.0.1 and localhost. */
export async function makeCerts (cn = 'axis-accc8e0d2210-eccp256-1'): Promise<TestCert> {
  const ca = await generate([{ name: 'commonName', value: 'Test Radar CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
  })
  const leaf = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }
    ]
  })
  return { cert: leaf.cert, key: leaf.private, ca: ca.cert }
}

/** Records what reaches the sink. */
export class RecordingSink implements TrackSink {
  ups: RadarProperties[] = []
  downs: string[] = []
  frames: TrackFrame[] = []
  radarUp = (p: RadarProperties): void => { this.ups.push(p) }
  frame = (f: TrackFrame): void => { if (this.frames.length < 1000) this.frames.push(f) }
  radarDown = (reason: string): void => { this.downs.push(reason) }
}

/** Collects reports; `last` is the latest. */
export class Reports {
  all: LinkReport[] = []
  readonly report = (r: LinkReport): void => { this.all.push(r) }
  get last (): LinkReport | undefined { return this.all[this.all.length - 1] }
  states (): string[] { return this.all.map((r) => r.state) }
}

/** Waits until `fn` is true, polling; fails after `ms`. */
export async function until (fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Short bounds so that failure tests do not wait for the spec's 5 s (one stall test keeps the default). */
export const FAST: Partial<LinkTimeouts> = { connectMs: 2000, requestMs: 2000, frameMs: 1500, teardownMs: 200, backoffInitialMs: 100, backoffMaxMs: 400 }

export const SILENT = pino({ level: 'silent' })

export interface RunningLink {
  handle: LinkHandle
  sink: RecordingSink
  reports: Reports
  /** Waits for a report with this state (and matching cause) after the one the previous wait found; returns it. */
  waitState: (state: string, ms?: number, cause?: RegExp) => Promise<LinkReport>
  stop: () => Promise<void>
}

export function runLink (config: Partial<PairingConfig> & { address: string }, opts: { profile?: Profile, deps?: Partial<LinkDeps> } = {}): RunningLink {
  const sink = new RecordingSink()
  const reports = new Reports()
  const starter = createLinkStarter({ sink, log: SILENT, timeouts: FAST, ...opts.deps })
  const full: PairingConfig = { user: RADAR_USER, password: RADAR_PASSWORD, tls: false, tlsVerify: false, ...config }
  const handle = starter(full, opts.profile ?? '2025-08', reports.report)
  let cursor = 0
  return {
    handle,
    sink,
    reports,
    stop: () => handle.stop(),
    waitState: async (state, ms = 5000, cause) => {
      const from = cursor
      let index = -1
      await until(() => {
        index = reports.all.findIndex((r, i) => i >= from && r.state === state && (cause === undefined || cause.test(r.cause ?? '')))
        return index >= 0
      }, ms, `state ${state}${cause ? ` with cause ${cause}` : ''} (got ${JSON.stringify(reports.all.slice(from))})`)
      cursor = index + 1
      return reports.all[index]
    }
  }
}

/** A loopback port nothing listens on. */
export async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
