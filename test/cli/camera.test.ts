/**
 * The camera as a real process: flags, persistence across a restart, the
 * corrupt-file path, SIGKILL during concurrent writes, graceful shutdown.
 */
import t from 'tap'
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { startCamera, freePorts, listening, CAMERA_CLI } from './camera-process.js'
import { tempDir, ROOT, waitFor } from '../helper.js'

const post = async (port: number, body: unknown): Promise<{ status: number, json: any }> => {
  const r = await fetch(`http://127.0.0.1:${port}/networkradarpairing.cgi`, { method: 'POST', headers: { authorization: ROOT }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) })
  return { status: r.status, json: await r.json() }
}
const getConnection = async (port: number) => (await post(port, { apiVersion: '1.0', method: 'getRadarConnection' })).json.data

/** Runs the CLI to completion (asynchronously, so that several run at once). */
function runCli (args: string[]): Promise<{ status: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CAMERA_CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err === null ? 0 : (err as { code?: number }).code ?? null, stdout, stderr })
    })
  })
}

t.test('--help lists every flag; bad flags fail with a clear message', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'x'], /--port must be an integer/],
    [['--profile', '2024'], /--profile must be one of 2025-08, 2026-01/],
    [['--serial', 'abc'], /--serial/],
    [['--users', '/nonexistent/users.json'], /--users/],
    [['--bogus'], /Unknown option/],
    [['--cameras', '3', '--port', '9000', '--sim-port', '9001'], /overlaps/]
  ]
  const [help, ...bad] = await Promise.all([runCli(['--help']), ...cases.map(([args]) => runCli(args))])
  t.equal(help.status, 0)
  for (const f of ['--host', '--port', '--state-dir', '--users', '--profile', '--serial', '--log-level', '--no-sim', '--sim-port', '--sim-rtsp-port', '--radar-ca', '--cameras', '--scenario', '--seed', '--help']) {
    t.match(help.stdout, f, f)
  }
  t.match(help.stdout, /RPE_PORT/)
  cases.forEach(([args, message], i) => {
    t.equal(bad[i].status, 2, args.join(' '))
    t.match(bad[i].stderr, message)
  })
})

t.test('persistence across a real restart; an active pairing reconnects by itself', async (t) => {
  const dir = await tempDir()
  const [port, simPort, rtspPort] = await freePorts(3)
  const args = ['--port', String(port), '--sim-port', String(simPort), '--sim-rtsp-port', String(rtspPort), '--state-dir', dir]
  let cam = startCamera(args)
  t.teardown(() => { cam.child.kill('SIGKILL') })
  await cam.waitForLine(listening)
  t.same((await post(port, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: `127.0.0.1:${simPort}`, user: 'root', password: 'radar' } })).json.data, {})
  await post(port, { apiVersion: '1.0', method: 'setActive', params: { active: true } })
  await waitFor(async () => (await getConnection(port)).state === 'ok', 10_000, 'state ok')
  cam.child.kill('SIGTERM')
  t.same(await cam.exited, { code: 0, signal: null }, 'SIGTERM exits 0')
  const file = join(dir, 'pairing.json')
  t.equal((await stat(file)).mode & 0o777, 0o600, 'state file owner-only')
  const saved = JSON.parse(await readFile(file, 'utf8'))
  t.match(saved, { version: 1, active: true, config: { address: `127.0.0.1:${simPort}`, user: 'root', password: 'radar' } }, 'password kept for reconnecting')

  cam = startCamera(args)
  await cam.waitForLine(listening)
  const after = await getConnection(port)
  t.match(after, { address: `127.0.0.1:${simPort}`, user: 'root', tls: false, 'tls-verify': false })
  t.same((await post(port, { apiVersion: '1.0', method: 'getActive' })).json.data, { active: true })
  await waitFor(async () => (await getConnection(port)).state === 'ok', 10_000, 'state ok after restart without any call')
  cam.child.kill('SIGTERM')
  await cam.exited
})

t.test('a corrupt state file is moved aside and logged; the camera starts unconfigured', async (t) => {
  const dir = await tempDir()
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'pairing.json'), '{"version":1,"config":{"address":')
  const [port] = await freePorts(1)
  const cam = startCamera(['--no-sim', '--port', String(port), '--state-dir', dir])
  t.teardown(() => { cam.child.kill('SIGKILL') })
  const line = await cam.waitForLine((l) => typeof l.msg === 'string' && l.msg.includes('corrupt'))
  t.equal(line.level, 50, 'logged as an error')
  await cam.waitForLine(listening)
  t.same(await getConnection(port), { state: 'not-configured' })
  const files = await readdir(dir)
  t.ok(files.some((f) => f.startsWith('pairing.json.corrupt-')), 'moved aside')
  cam.child.kill('SIGTERM')
  await cam.exited
})

t.test('SIGKILL during bursts of concurrent writes never loses or tears the configuration', async (t) => {
  const dir = await tempDir()
  const [port] = await freePorts(1)
  const written = new Set<string>()
  let lastKnown: string | undefined
  for (let round = 0; round < 6; round++) {
    const cam = startCamera(['--no-sim', '--port', String(port), '--state-dir', dir, '--log-level', 'warn'])
    await waitFor(async () => {
      try { return (await fetch(`http://127.0.0.1:${port}/emulator/v1/health`)).ok } catch { return false }
    }, 20_000, 'camera up')
    const data = await getConnection(port)
    if (round > 0) {
      t.ok(data.user === undefined ? lastKnown === undefined : written.has(data.user), `round ${round}: configuration is one that was written (${data.user})`)
      t.ok(data.user === undefined || /^u\d+-\d+$/.test(data.user), 'not torn')
    }
    const bursts: Array<Promise<unknown>> = []
    const killAfter = 30 + Math.floor(Math.random() * 150)
    const killer = setTimeout(() => cam.child.kill('SIGKILL'), killAfter)
    for (let i = 0; i < 40; i++) {
      const user = `u${round}-${i}`
      written.add(user)
      bursts.push(post(port, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: '10.0.0.1', user, password: 'p' } }).then((r) => {
        if (r.json.data !== undefined) lastKnown = user
      }, () => {}))
    }
    await Promise.allSettled(bursts)
    clearTimeout(killer)
    cam.child.kill('SIGKILL')
    await cam.exited
    const files = await readdir(dir)
    t.notOk(files.some((f) => f.includes('corrupt')), `round ${round}: no corrupt file`)
  }
  // A final start to check the last round too.
  const cam = startCamera(['--no-sim', '--port', String(port), '--state-dir', dir, '--log-level', 'warn'])
  t.teardown(() => { cam.child.kill('SIGKILL') })
  await waitFor(async () => { try { return (await fetch(`http://127.0.0.1:${port}/emulator/v1/health`)).ok } catch { return false } }, 20_000, 'camera up')
  const data = await getConnection(port)
  t.ok(data.user === undefined || written.has(data.user), 'final configuration is one that was written')
  cam.child.kill('SIGTERM')
  t.same(await cam.exited, { code: 0, signal: null })
})

t.test('fleet mode: several cameras with separate serials and state', async (t) => {
  const dir = await tempDir()
  const [base] = await freePorts(1)
  const cam = startCamera(['--cameras', '3', '--port', String(base), '--no-sim', '--state-dir', dir, '--serial', 'ACCC8E0000F0'])
  t.teardown(() => { cam.child.kill('SIGKILL') })
  await waitFor(() => cam.lines.filter(listening).length === 3, 20_000, 'three cameras')
  const serials = cam.lines.filter(listening).map((l) => l.serial)
  t.same(serials, ['ACCC8E0000F0', 'ACCC8E0000F1', 'ACCC8E0000F2'])
  await post(base + 1, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: 'radar-b', user: 'b', password: 'p' } })
  t.same(await getConnection(base), { state: 'not-configured' })
  t.equal((await getConnection(base + 1)).address, 'radar-b')
  t.same(await getConnection(base + 2), { state: 'not-configured' })
  const r = await fetch(`http://127.0.0.1:${base + 2}/networkradarpairing.cgi`, { method: 'POST', body: '{}' })
  t.match(r.headers.get('www-authenticate'), /realm="AXIS_ACCC8E0000F2"/, 'own realm')
  t.same((await readdir(dir)).sort(), ['camera-1', 'camera-2', 'camera-3'])
  t.ok((await readdir(join(dir, 'camera-2'))).includes('pairing.json'))
  cam.child.kill('SIGTERM')
  t.same(await cam.exited, { code: 0, signal: null })
})

t.test('SIGTERM: WebSockets closed with 1001, link torn down, state kept, exit 0', async (t) => {
  const { connect } = await import('../overlay/ws-client.js')
  const dir = await tempDir()
  const [port, simPort, rtspPort] = await freePorts(3)
  const cam = startCamera(['--port', String(port), '--sim-port', String(simPort), '--sim-rtsp-port', String(rtspPort), '--state-dir', dir])
  t.teardown(() => { cam.child.kill('SIGKILL') })
  await cam.waitForLine(listening)
  await post(port, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: `127.0.0.1:${simPort}`, user: 'root', password: 'radar' } })
  await post(port, { apiVersion: '1.0', method: 'setActive', params: { active: true } })
  await waitFor(async () => (await getConnection(port)).state === 'ok', 10_000, 'state ok')
  const client = await connect(`ws://127.0.0.1:${port}/vapix/ws-data-stream?sources=events,analytics-scene-description`, { authorization: ROOT })
  cam.child.kill('SIGTERM')
  const closed = await client.closed
  t.equal(closed.code, 1001, 'going away')
  t.same(await cam.exited, { code: 0, signal: null })
  t.ok(cam.lines.some((l) => l.msg === 'radar link stopped'), 'link stopped before exit')
  t.ok(cam.lines.some((l) => l.msg === 'stopped'))
  t.match(JSON.parse(await readFile(join(dir, 'pairing.json'), 'utf8')), { active: true }, 'the active flag survives the shutdown')
})
