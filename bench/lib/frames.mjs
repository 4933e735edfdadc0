/**
 * The benchmark load, made with the project's own code (dist/): frames of
 * the `fifty-tracks` scenario (50 objects, always in view), as ONVIF frame
 * documents (what the radar sends), as RTSP-interleaved RTP bytes (what the
 * camera's link reads), and as the camera's analytics-scene-description
 * notification text (what the overlay sends), with placeholders for the
 * times so a baseline server can stamp the current time.
 */
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { DIST } from './proc.mjs'

const load = (rel) => import(pathToFileURL(resolve(DIST, rel)).href)

export const SCENARIO = 'fifty-tracks'

/** Placeholders of the same length as the real values (27 chars; 13 digits). */
export const PH_UTC = '2099-12-31T23:59:59.999999Z'
export const PH_MS = '4102444799999'

/** `count` consecutive frames' objects of the scenario at `rate` Hz (the simulator's own scene source). */
export async function sceneObjects (count, rate = 10) {
  const { loadScenarioScene } = await load('radar-sim/scene.js')
  const scene = await loadScenarioScene(SCENARIO, 1, rate)
  const stream = scene.source.open()
  const out = []
  for (let i = 0; i < count; i++) out.push(stream.objectsAt(i).map((o) => ({ ...o })))
  return out
}

/** ONVIF documents (Buffers) of `count` frames, `1000 / rate` ms apart from `startMs`. */
export async function frameDocuments (count, rate = 10, startMs = Date.UTC(2025, 0, 1)) {
  const { writeFrame, formatUtcTime } = await load('onvif/write.js')
  const objects = await sceneObjects(count, rate)
  return objects.map((objs, i) => Buffer.from(writeFrame({ utcTime: formatUtcTime(startMs + i * 1000 / rate), objects: objs }), 'utf8'))
}

/**
 * The documents as one RTSP connection's byte stream after PLAY: RTP (PT 98,
 * 1400-byte payloads, marker on the last packet) interleaved on channel 0 —
 * exactly what the simulator's RTSP server writes.
 */
export async function interleavedStream (documents, rate = 10) {
  const { packetize } = await load('rtsp/rtp.js')
  const { interleavedHeader } = await load('rtsp/message.js')
  const parts = []
  let seq = 1000
  documents.forEach((doc, i) => {
    const packets = packetize(doc, { sequenceNumber: seq, timestamp: (i * 90_000 / rate) >>> 0, ssrc: 0x1234abcd, payloadType: 98 })
    seq = (seq + packets.length) & 0xffff
    for (const p of packets) parts.push(interleavedHeader(0, p.length), p)
  })
  return Buffer.concat(parts)
}

/**
 * The camera's notification text for `count` frames (documents written and
 * read back, as the link does), with PH_UTC / PH_MS where the times go.
 */
export async function notificationTemplates (count, rate = 10) {
  const { readFrame } = await load('onvif/read.js')
  const { frameNotification } = await load('overlay/messages.js')
  const docs = await frameDocuments(count, rate)
  return docs.map((doc) => {
    const { objects } = readFrame(doc)
    const text = frameNotification({ utcTime: PH_UTC, timeMs: Number(PH_MS), objects, ended: [] })
    if (!text.includes(PH_UTC) || !text.includes(PH_MS)) throw new Error('notification template lost its placeholders')
    return text
  })
}

/** A template stamped with a frame time (epoch ms, as the simulator's clock gives it). */
export async function stamper () {
  const { formatUtcTime } = await load('onvif/write.js')
  return (template, epochMs) => template.replaceAll(PH_MS, String(Math.floor(epochMs))).replaceAll(PH_UTC, formatUtcTime(epochMs))
}
