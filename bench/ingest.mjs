/**
 * 3. Link ingest: RTSP-interleaved frames of 50 objects through the link's
 * frame pipeline as fast as one core goes, against the bare frame reader on
 * the same documents (the target's baseline) and fast-xml-parser (for the
 * record). Runs in a child process (bench/ingest-worker.mjs).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './lib/proc.mjs'
import { fmt, median } from './lib/stats.mjs'

export async function run (ctx) {
  const opts = ctx.quick ? { rounds: 3, roundMs: 400 } : { rounds: 9, roundMs: 1500 }
  ctx.say(`ingest: ${opts.rounds} rounds of ${opts.roundMs} ms per variant`)
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'ingest-worker.mjs'), JSON.stringify(opts)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
  if (r.status !== 0) throw new Error(`ingest worker failed (${r.status ?? r.signal}): ${r.stderr}`)
  const out = JSON.parse(r.stdout)
  const m = Object.fromEntries(Object.entries(out.results).map(([k, v]) => [k, median(v)]))
  ctx.bench({ name: 'ingest-vs-readframe', metric: 'frames_per_s', value: m.pipeline, baseline: m.readFrame, better: 'higher', target: 0.7, absTarget: { min: 2000, unit: 'frames/s' } })
  ctx.bench({ name: 'ingest-vs-fast-xml-parser', metric: 'frames_per_s', value: m.pipeline, baseline: m.fxp, better: 'higher' })
  ctx.table('Link ingest (one core)',
    ['variant', 'frames per CPU-second (median)', 'rounds', 'µs of CPU per frame', 'vs pipeline', 'wall-clock frames/s (median)'],
    Object.entries(out.results).map(([k, v]) => [
      { pipeline: 'pipeline: de-interleave + RTP reassembly + readFrame + TrackFrame', readFrame: 'baseline: bare `readFrame` (project reader)', fxp: 'record: fast-xml-parser 5 `parse`' }[k],
      fmt(m[k]), v.map(fmt).join(', '), fmt(1e6 / m[k]), `${(m[k] / m.pipeline).toFixed(2)}×`, fmt(median(out.wall[k]))
    ]),
    `Documents: 100 frames of fifty-tracks, ${fmt(out.docBytes / 1024)} KiB each on average, pushed in 64 KiB chunks. ` +
    `Rates are per CPU-second of the worker process (user + system time, all threads; it used ${out.cores.toFixed(2)} cores on average), interleaved rounds. Target: pipeline ≥ 2,000 frames/s and ≥ 0.7× bare readFrame.`)
  return out
}
