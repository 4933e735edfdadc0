/**
 * The demo page in a real (headless) Chromium against a camera with the
 * real radar link and the real radar simulator: pair through the form, see
 * the state become `ok` from the live events, see tracks drawn on the
 * canvas, deactivate. Saves test-artifacts/demo-page.png.
 */
import t from 'tap'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { pino } from 'pino'
import { chromium, type Browser } from 'playwright-core'
import { ensureDebianPackage, runs } from '../system-tools.js'
import { buildTestCamera, ROOT } from '../helper.js'
import { listen } from '../overlay/ws-client.js'
import { createLinkStarter } from '../../src/radar-link/link.js'
import { startRadarSimulator } from '../../src/radar-sim/radar.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']

/** Bundles src/web the way scripts/build-web.mjs does, into a temporary directory. */
async function buildPage (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rpe-web-'))
  await build({ entryPoints: ['src/web/main.ts'], bundle: true, format: 'esm', target: 'es2022', outfile: join(dir, 'app.js'), sourcemap: true, logLevel: 'warning' })
  for (const f of ['index.html', 'style.css']) await copyFile(join('src/web', f), join(dir, f))
  return dir
}

t.setTimeout(600_000) // room for installing Chromium on a new machine
// Finds Debian's Chromium or installs it (as root, with apt); skips with the reason otherwise.
const ready = process.env.CHROMIUM_PATH !== undefined
  ? (existsSync(CHROMIUM) ? true : `no Chromium at CHROMIUM_PATH=${CHROMIUM}`)
  : ensureDebianPackage('chromium', () => existsSync(CHROMIUM) && runs(CHROMIUM, ['--version']))
const skip = ready === true ? false : ready

t.test('pair through the page and watch the radar overlay', { skip }, async (t) => {
  const silent = pino({ level: 'silent' })
  const webRoot = await buildPage()
  t.teardown(() => rm(webRoot, { recursive: true, force: true }))
  const sim = await startRadarSimulator({ host: '127.0.0.1', logger: silent, scenario: 'default', seed: 7 })
  t.teardown(() => sim.close())
  const c = await buildTestCamera({ webRoot, linkFactory: (sink) => createLinkStarter({ sink, log: silent }) })
  t.teardown(c.close)
  const { port } = await listen(c.app)

  // The page is behind the camera's own authentication.
  const anonymous = await c.app.inject({ method: 'GET', url: '/' })
  t.equal(anonymous.statusCode, 401)
  t.match(String(anonymous.headers['www-authenticate']), /^Digest /)
  t.equal((await c.app.inject({ method: 'GET', url: '/', headers: { authorization: ROOT } })).statusCode, 200)

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ httpCredentials: { username: 'root', password: 'pass' }, viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => { errors.push(e.message) })

  await page.goto(`http://127.0.0.1:${port}/`)
  await page.waitForSelector('#stream-status[data-status="open"]', { timeout: 15_000 })
  t.equal(await page.getAttribute('#pairing-state', 'data-state'), 'not-configured', 'state from the initial event')

  await page.fill('#address', `127.0.0.1:${sim.httpPort}`)
  await page.fill('#user', 'root')
  await page.fill('#password', 'radar')
  await page.click('#activate')
  await page.waitForSelector('#pairing-state[data-state="ok"]', { timeout: 20_000 })
  t.pass('the state became ok (from tnsaxis:NetworkRadarPairing/State)')
  t.equal(c.app.camera.pairing.state, 'ok')

  await page.waitForFunction(() => Number(document.getElementById('track-count')?.textContent) > 0, undefined, { timeout: 20_000 })
  t.pass('tracks arrived')
  const snapshot = async (): Promise<string> => page.evaluate(() => (document.getElementById('view') as HTMLCanvasElement).toDataURL('image/png'))
  const first = await snapshot()
  await page.waitForFunction((before) => (document.getElementById('view') as HTMLCanvasElement).toDataURL('image/png') !== before, first, { timeout: 10_000, polling: 100 })
  t.pass('the canvas changes between frames')
  t.match(await page.textContent('#radar-fps'), /^[1-9][0-9]*\.[0-9] fps$/, 'a frame-rate readout')
  t.ok(await page.locator('#events li').count() > 0, 'events listed')

  // Let the scene fill and trails grow, then keep a picture of the page.
  await page.waitForFunction(() => {
    const frames = Number(/([0-9]+) frames/.exec(document.getElementById('render-fps')?.textContent ?? '')?.[1] ?? 0)
    return frames >= 80 && Number(document.getElementById('track-count')?.textContent) >= 2
  }, undefined, { timeout: 40_000, polling: 100 })
  await mkdir('test-artifacts', { recursive: true })
  await page.screenshot({ path: 'test-artifacts/demo-page.png' })

  await page.click('#deactivate')
  await page.waitForSelector('#pairing-state[data-state="not-active"]', { timeout: 10_000 })
  t.equal(c.app.camera.pairing.state, 'not-active')
  t.same(errors, [], 'no page errors')
})
