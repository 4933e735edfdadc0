/**
 * Runs the camera CLI as a real child process (through tsx, so that the
 * sources under test are the ones run; or the built, bundled
 * dist/cli/camera.js) and reads its JSON log lines.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

export const CAMERA_CLI = fileURLToPath(new URL('../../src/cli/camera.ts', import.meta.url))

export interface CameraProcess {
  child: ChildProcess
  lines: Array<Record<string, unknown>>
  stderr: () => string
  /** Resolves with the first log line matching `pred`. */
  waitForLine: (pred: (l: Record<string, unknown>) => boolean, ms?: number) => Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
}

/** The shipped program: src/cli/camera.ts bundled by scripts/build-cli.mjs. */
export const BUILT_CAMERA_CLI = fileURLToPath(new URL('../../dist/cli/camera.js', import.meta.url))

export function startCamera (args: string[], env: Record<string, string> = {}, script = CAMERA_CLI): CameraProcess {
  const nodeArgs = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script]
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: Array<Record<string, unknown>> = []
  const waiters: Array<{ pred: (l: Record<string, unknown>) => boolean, resolve: (l: Record<string, unknown>) => void }> = []
  let err = ''
  let partial = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk
    let nl: number
    while ((nl = partial.indexOf('\n')) >= 0) {
      const text = partial.slice(0, nl)
      partial = partial.slice(nl + 1)
      let line: Record<string, unknown>
      try { line = JSON.parse(text) } catch { line = { raw: text } }
      lines.push(line)
      for (const w of [...waiters]) if (w.pred(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
    }
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (c: string) => { err += c })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  return {
    child,
    lines,
    stderr: () => err,
    exited,
    waitForLine: (pred, ms = 20_000) => new Promise((resolve, reject) => {
      const found = lines.find(pred)
      if (found !== undefined) { resolve(found); return }
      const timer = setTimeout(() => reject(new Error(`no such log line within ${ms} ms; stderr: ${err.slice(-500)}`)), ms)
      waiters.push({ pred, resolve: (l) => { clearTimeout(timer); resolve(l) } })
      void exited.then(() => { clearTimeout(timer); reject(new Error(`camera exited; stderr: ${err.slice(-1000)}`)) })
    })
  }
}

/** Ports that were free a moment ago (for processes that must reuse the same ports across restarts). */
export async function freePorts (n: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: n }, () => new Promise<import('node:net').Server>((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => resolve(s))
  })))
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

export const listening = (l: Record<string, unknown>): boolean => l.msg === 'camera listening'
