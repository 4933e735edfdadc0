/**
 * Process plumbing for the benchmarks: spawn servers with their output in a
 * log file, wait for a log line, measure a process's CPU time and RSS from
 * /proc (Linux only), stop what we started (by pid, never by name).
 */
import { spawn } from 'node:child_process'
import { openSync, closeSync, readFileSync, readdirSync, existsSync, createWriteStream } from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

export { sleep }

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const DIST = resolve(ROOT, 'dist')
export const CAMERA_CLI = resolve(DIST, 'cli', 'camera.js')
export const RADAR_SIM_CLI = resolve(DIST, 'cli', 'radar-sim.js')

/** Every child we started, so that a failing benchmark still cleans up. */
const children = new Set()

function track (child) {
  children.add(child)
  child.once('exit', () => { children.delete(child) })
  return child
}

/**
 * CPU time of a process in ns: the sum of every thread's run time
 * (/proc/<pid>/task/<tid>/schedstat, field 1, ns resolution). Threads that
 * exited are not counted; Node's threads live as long as the process.
 */
export function cpuNs (pid) {
  let total = 0
  let tasks
  try { tasks = readdirSync(`/proc/${pid}/task`) } catch { return NaN }
  for (const tid of tasks) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch { /* thread gone */ }
  }
  return total
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes (pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m === null ? NaN : Number(m[1]) * 1024
  } catch { return NaN }
}

/** Soft and hard limit of open files of this process. */
export function nofileLimit () {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'))
  const n = (s) => (s === 'unlimited' ? Infinity : Number(s))
  return m === null ? { soft: 1024, hard: 1024 } : { soft: n(m[1]), hard: n(m[2]) }
}

/**
 * argv for a process that needs `files` descriptors: wrapped in
 * `sh -c 'ulimit -n …; exec …'` when the inherited soft limit is too low.
 */
function withNofile (cmd, args, files) {
  const { soft, hard } = nofileLimit()
  if (files === undefined || soft >= files) return [cmd, args]
  const want = Math.min(hard, files)
  const quote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`
  return ['/bin/sh', ['-c', `ulimit -n ${want} && exec ${[cmd, ...args].map(quote).join(' ')}`]]
}

/** A free TCP port on 127.0.0.1 (bound to 0, then released). */
export async function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/**
 * Spawns `node <script> …args` with stdout and stderr on a pipe that this
 * process drains (as a service supervisor would), copied to `logFile`.
 * JSON lines other than per-request logs are kept in `child.lines` for
 * waitForLog. With `output: 'file'` the child writes to `logFile` itself.
 */
export function spawnNode (script, args, { logFile, env, nodeArgs = [], files, output = 'pipe' } = {}) {
  const [cmd, argv] = withNofile(process.execPath, [...nodeArgs, script, ...args], files)
  if (output === 'file') {
    // Straight to the file (no reader in the loop: used where the server logs
    // a line per request and a pipe's reader could fall behind).
    const fd = openSync(logFile, 'a')
    const child = spawn(cmd, argv, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env }, cwd: ROOT })
    closeSync(fd)
    child.logFile = logFile
    return track(child)
  }
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, cwd: ROOT })
  child.logFile = logFile
  child.lines = []
  const file = createWriteStream(logFile, { flags: 'a' })
  let rest = ''
  child.stdout.on('data', (d) => {
    file.write(d)
    const text = rest + d.toString('utf8')
    const parts = text.split('\n')
    rest = parts.pop()
    for (const line of parts) {
      if (line.charCodeAt(0) !== 123 || line.includes('"msg":"request"')) continue
      try { child.lines.push(JSON.parse(line)) } catch { /* not JSON */ }
    }
  })
  child.stderr.on('data', (d) => { file.write(d) })
  child.once('exit', () => { file.end() })
  return track(child)
}

/** Starts a bench helper script with an IPC channel, its output appended to `logFile`. */
export function forkHelper (script, args, { logFile, files, env } = {}) {
  const fd = openSync(logFile, 'a')
  // Like fork(), but through withNofile so that the descriptor limit can be raised.
  const [cmd, argv] = withNofile(process.execPath, [script, ...args], files)
  const child = spawn(cmd, argv, { stdio: ['ignore', fd, fd, 'ipc'], env: { ...process.env, ...env }, cwd: ROOT })
  closeSync(fd)
  child.logFile = logFile
  return track(child)
}

/** JSON log lines of a file (pino output); other lines are skipped. */
export function logLines (logFile) {
  if (!existsSync(logFile)) return []
  const out = []
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (line.charCodeAt(0) !== 123) continue
    try { out.push(JSON.parse(line)) } catch { /* partial line */ }
  }
  return out
}

/** Waits until `count` JSON log lines of the child match `pred`; returns them. */
export async function waitForLog (child, pred, { count = 1, timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = (child.lines ?? logLines(child.logFile)).filter(pred)
    if (found.length >= count) return found
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.spawnargs.join(' ')} exited (${child.exitCode ?? child.signalCode}) before it was ready; see ${child.logFile}`)
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${child.spawnargs.slice(-6).join(' ')}; see ${child.logFile}`)
    await sleep(10)
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild (child, graceMs = 5000) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const t = setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL') }, graceMs)
  await exited
  clearTimeout(t)
}

/** Kills every child still running (on failure or interrupt). */
export async function stopAll () {
  await Promise.all([...children].map((c) => stopChild(c, 2000)))
}

/** Request/response over a forked helper's IPC channel. */
export function ipc (child) {
  let seq = 0
  const pending = new Map()
  child.on('message', (m) => {
    const p = pending.get(m?.id)
    if (p === undefined) return
    pending.delete(m.id)
    if (m.error !== undefined) p.reject(new Error(m.error))
    else p.resolve(m)
  })
  child.once('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`helper exited (${code ?? signal}); see ${child.logFile}`))
    pending.clear()
  })
  return (cmd, args = {}, timeoutMs = 120_000) => new Promise((resolve, reject) => {
    const id = ++seq
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`helper ${cmd} timed out; see ${child.logFile}`)) }, timeoutMs)
    pending.set(id, {
      resolve: (v) => { clearTimeout(timer); resolve(v) },
      reject: (e) => { clearTimeout(timer); reject(e) }
    })
    child.send({ id, cmd, ...args })
  })
}
