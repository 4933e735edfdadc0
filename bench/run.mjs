#!/usr/bin/env node
/**
 * Benchmarks runner: `npm run bench` (full) or `npm run bench -- --quick`.
 *
 *   --quick          same scenarios, shorter windows (under two minutes)
 *   --only a,b       run only these (overlay, api, ingest, memory, startup, fleet)
 *   --out FILE       Markdown results (default bench/RESULTS.md for a full
 *                    run of everything, bench/out/RESULTS-quick.md otherwise)
 *   --no-build       use dist/ as it is (default: `npm run build` first when
 *                    dist/ is missing or older than src/, scripts/, package.json)
 *
 * Every benchmark prints `BENCH <name> <metric>=<value> baseline=<value> ratio=<value>`
 * on stdout; progress goes to stderr. Everything runs on 127.0.0.1, each load
 * generator in its own process, every phase bounded in time.
 */
import { execSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT, DIST, stopAll } from './lib/proc.mjs'
import { fmt } from './lib/stats.mjs'

const ALL = ['overlay', 'api', 'ingest', 'memory', 'startup', 'fleet']

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false }
  }
})
const only = flags.only === undefined ? ALL : flags.only.split(',').map((s) => s.trim()).filter(Boolean)
for (const name of only) if (!ALL.includes(name)) { console.error(`unknown benchmark ${name}; one of ${ALL.join(', ')}`); process.exit(2) }
const complete = !flags.quick && only.length === ALL.length
const outFile = flags.out ?? (complete ? join(ROOT, 'bench', 'RESULTS.md') : join(ROOT, 'bench', 'out', `RESULTS-${flags.quick ? 'quick' : 'partial'}.md`))

const say = (msg) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${msg}\n`)
const t0 = Date.now()

/** Newest mtime under a directory. */
function newest (dir) {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

if (!flags['no-build']) {
  const inputs = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'scripts')), statSync(join(ROOT, 'package.json')).mtimeMs, statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs)
  const stale = !existsSync(join(DIST, 'cli', 'camera.js')) || !existsSync(join(DIST, 'web')) || inputs > newest(DIST)
  if (stale) {
    say('building (npm run build)')
    const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] })
    if (r.status !== 0) process.exit(r.status ?? 1)
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'rpe-bench-'))
const lines = []
const sections = []

const ctx = {
  quick: flags.quick,
  tmp,
  say,
  /**
   * One BENCH line. `target` is a ratio bound (≤ for better=lower, ≥ for
   * higher); `absTarget` { max | min, unit } an absolute bound on the value.
   */
  bench ({ name, metric, value, baseline, better, target, absTarget }) {
    const ratio = value / baseline
    const line = `BENCH ${name} ${metric}=${fmt(value)} baseline=${fmt(baseline)} ratio=${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}`
    process.stdout.write(line + '\n')
    let met
    if (target !== undefined) met = better === 'lower' ? ratio <= target : ratio >= target
    if (absTarget !== undefined) {
      const ok = absTarget.max !== undefined ? value <= absTarget.max : value >= absTarget.min
      met = met === undefined ? ok : met && ok
    }
    lines.push({ line, name, met, target, absTarget, better })
  },
  table (title, headers, rows, note) { sections.push({ title, headers, rows, note }) }
}

const cpuModel = cpus()[0]?.model?.trim() ?? 'unknown'
const machine = `${cpuModel}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform} ${execSync('uname -r').toString().trim()}`
say(`${machine}; ${flags.quick ? 'quick' : 'full'} run of ${only.join(', ')}; scratch ${tmp}`)

let failed = false
const onSignal = async () => { say('interrupted: stopping children'); await stopAll(); process.exit(130) }
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

for (const name of only) {
  const started = Date.now()
  try {
    const mod = await import(`./${name}.mjs`)
    await mod.run(ctx)
    say(`${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  } catch (err) {
    failed = true
    say(`${name} FAILED: ${err.stack ?? err}`)
    process.stdout.write(`BENCH ${name} error=${JSON.stringify(String(err.message ?? err))} baseline=n/a ratio=n/a\n`)
    await stopAll()
  }
}
await stopAll()

const elapsed = (Date.now() - t0) / 1000
const command = `npm run bench${flags.quick || flags.only ? ' --' : ''}${flags.quick ? ' --quick' : ''}${flags.only ? ` --only ${flags.only}` : ''}`
const md = [
  '# Benchmark results',
  '',
  `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC in ${Math.round(elapsed)} s` +
    ` (commit ${execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim()}${execSync('git status --porcelain src', { cwd: ROOT }).toString().trim() === '' ? '' : ', src/ modified'}).`,
  '',
  `Machine: ${machine}. Shared and noisy: compare ratios (camera ÷ baseline measured in the same run), not absolute figures.`,
  'How each benchmark works and what the baselines are: [README.md](README.md).',
  '',
  '## BENCH lines',
  '',
  '| line | target | met |',
  '| --- | --- | --- |',
  ...lines.map((l) => {
    const t = []
    if (l.target !== undefined) t.push(`ratio ${l.better === 'lower' ? '≤' : '≥'} ${l.target}`)
    if (l.absTarget !== undefined) t.push(l.absTarget.max !== undefined ? `≤ ${l.absTarget.max} ${l.absTarget.unit}` : `≥ ${l.absTarget.min} ${l.absTarget.unit}`)
    return `| \`${l.line}\` | ${t.join(', ') || '—'} | ${l.met === undefined ? '—' : l.met ? 'yes' : '**no**'} |`
  }),
  '',
  ...sections.flatMap((s) => [
    `## ${s.title}`,
    '',
    `| ${s.headers.join(' | ')} |`,
    `| ${s.headers.map(() => '---').join(' | ')} |`,
    ...s.rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...(s.note ? [s.note, ''] : [])
  ])
].join('\n')
mkdirSync(join(outFile, '..'), { recursive: true })
writeFileSync(outFile, md)
say(`results written to ${relative(process.cwd(), outFile)} (${Math.round(elapsed)} s)`)
if (!flags.keep) rmSync(tmp, { recursive: true, force: true })
else say(`logs kept in ${tmp}`)
process.exit(failed ? 1 : 0)
