/**
 * The shipped programs: dist/cli/camera.js and dist/cli/radar-sim.js, each
 * one file bundled by scripts/build-cli.mjs (what `npm start`, the `bin`
 * entries and the Docker image run). The other CLI tests run the sources
 * through tsx; this one checks that the bundles work on their own: fixtures
 * and the demo page found from dist/cli, pino kept external, the built-in
 * radar, a pairing with the standalone simulator, the overlay, SIGTERM.
 */
import t from 'tap'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startCamera, freePorts, listening, BUILT_CAMERA_CLI } from './camera-process.js'
import { tempDir, ROOT, waitFor } from '../helper.js'
import { connect } from '../overlay/ws-client.js'

const PKG = fileURLToPath(new URL('../../', import.meta.url))
const BUILT_SIM_CLI = join(PKG, 'dist', 'cli', 'radar-sim.js')

function newestMtime (dir: string): number {
  let newest = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

// `npm test` builds first; run alone, the test builds what it needs
// (without removing dist/, which other test files read).
if (!existsSync(join(PKG, 'dist', 'web', 'index.html'))) execFileSync(process.execPath, ['scripts/build-web.mjs'], { cwd: PKG, stdio: 'inherit' })
if (!existsSync(BUILT_CAMERA_CLI) || !existsSync(BUILT_SIM_CLI) || statSync(BUILT_CAMERA_CLI).mtimeMs < newestMtime(join(PKG, 'src'))) {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: PKG, stdio: 'inherit' })
}

const post = async (port: number, body: unknown): Promise<any> => {
  const r = await fetch(`http://127.0.0.1:${port}/networkradarpairing.cgi`, { method: 'POST', headers: { authorization: ROOT }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) })
  return await r.json()
}
const state = async (port: number): Promise<string> => (await post(port, { apiVersion: '1.0', method: 'getRadarConnection' })).data.state

t.test('both bundles print their help', async (t) => {
  t.match(execFileSync(process.execPath, [BUILT_CAMERA_CLI, '--help'], { encoding: 'utf8' }), /--cameras N/)
  t.match(execFileSync(process.execPath, [BUILT_SIM_CLI, '--help'], { encoding: 'utf8' }), /Usage: radar-sim/)
})

t.test('the bundled camera pairs with its built-in radar and with the bundled simulator', async (t) => {
  const [port, simPort, rtspPort, sim2Port, sim2Rtsp] = await freePorts(5)
  const cam = startCamera(['--port', String(port), '--sim-port', String(simPort), '--sim-rtsp-port', String(rtspPort), '--scenario', 'fifty-tracks', '--state-dir', await tempDir()], {}, BUILT_CAMERA_CLI)
  t.teardown(() => { cam.child.kill('SIGKILL') })
  await cam.waitForLine(listening)

  // The demo page comes from dist/web, found from dist/cli.
  const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { authorization: ROOT } })
  t.equal(page.status, 200)
  t.match(await page.text(), /<canvas/)
  t.equal((await fetch(`http://127.0.0.1:${port}/app.js`, { headers: { authorization: ROOT } })).status, 200)

  // The built-in radar plays a packaged scenario (fixtures/ found from dist/cli).
  await post(port, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: `127.0.0.1:${simPort}`, user: 'root', password: 'radar' } })
  await post(port, { apiVersion: '1.0', method: 'setActive', params: { active: true } })
  await waitFor(async () => await state(port) === 'ok', 15_000, 'ok with the built-in radar')
  const viewer = await connect(`ws://127.0.0.1:${port}/vapix/ws-data-stream?sources=analytics-scene-description`, { authorization: ROOT })
  t.teardown(() => viewer.close())
  viewer.send({ apiVersion: '1.0', method: 'analytics-scene-description:configure', params: { channelFilter: ['1'] } })
  const frame = await viewer.next((m) => m.params?.notification?.message?.data?.frame?.observations?.length > 0, 10_000)
  t.ok(frame.params.notification.message.data.frame.observations.length <= 50, 'fifty-tracks frames reach the viewer')

  // The standalone simulator's bundle, paired with over the wire.
  const sim = spawn(process.execPath, [BUILT_SIM_CLI, '--port', String(sim2Port), '--rtsp-port', String(sim2Rtsp), '--password', 'other'], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { sim.kill('SIGKILL') })
  let simOut = ''
  sim.stdout.on('data', (c: Buffer) => { simOut += c.toString() })
  const simExit = new Promise<number | null>((resolve) => sim.on('exit', (code) => resolve(code)))
  await waitFor(() => simOut.includes('radar simulator listening'), 20_000, 'simulator listening')
  const pairWith = async (password: string): Promise<void> => {
    await post(port, { apiVersion: '1.0', method: 'setActive', params: { active: false } })
    t.same((await post(port, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: `127.0.0.1:${sim2Port}`, user: 'root', password } })).data, {})
    await post(port, { apiVersion: '1.0', method: 'setActive', params: { active: true } })
  }
  await pairWith('wrong')
  await waitFor(async () => await state(port) === 'authentication-failed', 15_000, 'authentication-failed with a wrong password')
  await pairWith('other')
  await waitFor(async () => await state(port) === 'ok', 15_000, 'ok with the standalone simulator')

  sim.kill('SIGTERM')
  t.equal(await simExit, 0, 'simulator exits 0 on SIGTERM')
  cam.child.kill('SIGTERM')
  t.same(await cam.exited, { code: 0, signal: null }, 'camera exits 0 on SIGTERM')
  t.notMatch(simOut, /other/, 'no password in the simulator log')
})
