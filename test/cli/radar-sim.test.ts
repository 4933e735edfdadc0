/**
 * The radar-sim CLI as a child process: help, flag and environment errors,
 * startup on ephemeral ports, a stream, graceful SIGTERM; no password in logs.
 */
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DigestClient } from '../../src/vapix/digest.js'
import { MEDIA_QUERY, TestRtspClient, digestRequest } from '../radar-sim/helpers.js'

const CLI = fileURLToPath(new URL('../../src/cli/radar-sim.ts', import.meta.url))

interface Proc { child: ChildProcess, out: () => string, err: () => string, exited: Promise<number | null> }

function start (args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr?.on('data', (c: Buffer) => { err += c.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, out: () => out, err: () => err, exited }
}

async function waitFor (pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

t.test('--help', async (t) => {
  const p = start(['--help'])
  t.equal(await p.exited, 0)
  t.match(p.out(), /Usage: radar-sim/)
  t.match(p.out(), /--fault SPEC/)
  t.match(p.out(), /RADAR_SIM_RTSP_PORT/)
})

t.test('bad flags and environment exit 2 with a clear message', async (t) => {
  const bad = start(['--fault', 'nope'])
  t.equal(await bad.exited, 2)
  t.match(bad.err(), /--fault: unknown fault "nope"; expected one of refuse/)
  const env = start([], { RADAR_SIM_RATE: 'fast' })
  t.equal(await env.exited, 2)
  t.match(env.err(), /--rate must be a number/)
  const half = start(['--tls-cert', 'x.pem'])
  t.equal(await half.exited, 2)
  t.match(half.err(), /--tls-cert and --tls-key go together/)
  const unknown = start(['--frobnicate'])
  t.equal(await unknown.exited, 2)
})

t.test('starts, streams, stops on SIGTERM; the password never reaches the log', async (t) => {
  const p = start(['--port', '0', '--rtsp-port', '0', '--scenario', 'crowd', '--log-level', 'debug', '--fault', 'latency:1ms'], { RADAR_SIM_PASSWORD: 's3cr3t-pw' })
  t.teardown(() => { p.child.kill('SIGKILL') })
  await waitFor(() => /radar simulator listening/.test(p.out()), 20_000, 'listening')
  const line = p.out().split('\n').find((l) => l.includes('radar simulator listening')) as string
  const info = JSON.parse(line) as { httpPort: number, rtspPort: number, faults: string[] }
  t.same(info.faults, ['latency:1ms'])
  const param = await digestRequest({ port: info.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Network.RTSP.Port', password: 's3cr3t-pw' })
  t.equal(param.body, `root.Network.RTSP.Port=${info.rtspPort}\n`)

  const c = await TestRtspClient.connect(info.rtspPort)
  t.teardown(() => c.close())
  c.digest = new DigestClient('root', 's3cr3t-pw')
  const d = await c.request('DESCRIBE', `rtsp://127.0.0.1:${info.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`)
  t.equal(d.status, 200)

  p.child.kill('SIGTERM')
  t.equal(await p.exited, 0)
  t.match(p.out(), /"msg":"stopped"/)
  t.notMatch(p.out() + p.err(), /s3cr3t-pw/)
})
