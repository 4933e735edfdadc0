/**
 * The link-ingest measurement, in its own process (one thread, one core):
 * `node bench/ingest-worker.mjs '{"rounds":5,"roundMs":1000}'` prints JSON.
 *
 * Variants, interleaved round by round (median of the rounds):
 *   pipeline  RTSP-interleaved bytes of 50-object frames, pushed in 64 KiB
 *             chunks (as socket reads) through createFramePipeline: RTSP
 *             de-interleaving, RTP decode and reassembly, readFrame, Date
 *             parsing, track ending → TrackFrame (dist/radar-link)
 *   readFrame the project's bare frame reader on the same documents
 *             (dist/onvif/read.js; Buffers, as reassembly hands them over)
 *   fxp       fast-xml-parser 5 (XMLParser.parse) on the same documents,
 *             for the record
 */
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { XMLParser } from 'fast-xml-parser'
import { DIST } from './lib/proc.mjs'
import { frameDocuments, interleavedStream } from './lib/frames.mjs'

const { rounds, roundMs } = JSON.parse(process.argv[2] ?? '{"rounds":5,"roundMs":1000}')
const { createFramePipeline } = await import(pathToFileURL(resolve(DIST, 'radar-link/frame-pipeline.js')).href)
const { readFrame } = await import(pathToFileURL(resolve(DIST, 'onvif/read.js')).href)

const FRAMES = 100
const docs = await frameDocuments(FRAMES, 10)
const stream = await interleavedStream(docs, 10)
const CHUNK = 64 * 1024
const chunks = []
for (let i = 0; i < stream.length; i += CHUNK) chunks.push(stream.subarray(i, Math.min(stream.length, i + CHUNK)))
const fxp = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', removeNSPrefix: true, parseAttributeValue: true })

let sink = 0
const variants = {
  /** One pass = the whole 100-frame stream through a fresh pipeline (a new RTSP session). */
  pipeline: () => {
    let n = 0
    const p = createFramePipeline((f) => { n++; sink += f.objects.length })
    for (const c of chunks) p.push(c)
    if (n !== FRAMES) throw new Error(`pipeline delivered ${n} of ${FRAMES} frames`)
    return n
  },
  readFrame: () => {
    for (const d of docs) sink += readFrame(d).objects.length
    return FRAMES
  },
  fxp: () => {
    // 10 documents a pass: fast-xml-parser is ~10× slower.
    for (let i = 0; i < 10; i++) sink += Object.keys(fxp.parse(docs[i])).length
    return 10
  }
}

// Check the variants agree on the objects before timing anything.
{
  const got = []
  const p = createFramePipeline((f) => got.push(f))
  for (const c of chunks) p.push(c)
  const direct = readFrame(docs[7])
  if (got.length !== FRAMES || got[7].objects.length !== 50 || JSON.stringify(got[7].objects) !== JSON.stringify(direct.objects)) throw new Error('pipeline and readFrame disagree')
}

// Rates per CPU-second of this process (process.cpuUsage: user + system, all
// threads) — what one core's worth of CPU parses, steadier than wall-clock
// rates when other tenants take the CPU; wall-clock rates are kept too.
const results = { pipeline: [], readFrame: [], fxp: [] }
const wall = { pipeline: [], readFrame: [], fxp: [] }
const cpu0 = process.cpuUsage()
const wall0 = performance.now()
for (let r = -1; r < rounds; r++) { // round -1 warms up the JIT
  for (const [name, fn] of Object.entries(variants)) {
    let frames = 0
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    let t = t0
    while (t - t0 < roundMs) { frames += fn(); t = performance.now() }
    const c = process.cpuUsage(c0)
    if (r >= 0) {
      results[name].push(frames / ((c.user + c.system) / 1e6))
      wall[name].push(frames / ((t - t0) / 1000))
    }
  }
}
const cpu = process.cpuUsage(cpu0)
const wallS = (performance.now() - wall0) / 1000
process.stdout.write(JSON.stringify({
  results,
  wall,
  docBytes: docs.reduce((a, d) => a + d.length, 0) / docs.length,
  streamBytes: stream.length,
  cores: (cpu.user + cpu.system) / 1e6 / wallS,
  sink
}) + '\n')
