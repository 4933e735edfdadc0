/**
 * Starting the processes under test and their load: the camera CLI, the
 * radar simulator CLI, and the two baseline servers.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { CAMERA_CLI, RADAR_SIM_CLI, ROOT, forkHelper, ipc, spawnNode, waitForLog } from './proc.mjs'

let serial = 0

/**
 * `node dist/cli/camera.js --port 0 … <args>` (default log level, JSON logs
 * to a file); resolves when every camera of the process listens.
 */
export async function startCamera (tmp, name, args = [], { cameras = 1, timeoutMs = 60_000, files, output } = {}) {
  const stateDir = join(tmp, `${name}-state-${++serial}`)
  mkdirSync(stateDir, { recursive: true })
  const child = spawnNode(CAMERA_CLI, ['--port', '0', '--state-dir', stateDir, ...args], { logFile: join(tmp, `${name}-camera-${serial}.log`), files, output })
  const lines = await waitForLog(child, (l) => l.msg === 'camera listening', { count: cameras, timeoutMs })
  const members = lines.map((l) => ({ port: l.port, radar: l.radar }))
  return { child, pid: child.pid, port: members[0].port, members, stateDir }
}

/** The standalone simulator (`dist/cli/radar-sim.js`) playing fifty-tracks at `rate` Hz. */
export async function startSim (tmp, rate, { scenario = 'fifty-tracks' } = {}) {
  const child = spawnNode(RADAR_SIM_CLI, ['--port', '0', '--rtsp-port', '0', '--scenario', scenario, '--rate', String(rate)], { logFile: join(tmp, `radar-sim-${rate}hz-${++serial}.log`) })
  const [l] = await waitForLog(child, (l) => l.msg === 'radar simulator listening')
  return { child, pid: child.pid, rate, address: `127.0.0.1:${l.httpPort}` }
}

/** The bare ws broadcaster (baseline); `setRate(r)` starts/stops its broadcast, answering its counters. */
export async function startBareWs (tmp, name = 'bare-ws') {
  const child = forkHelper(join(ROOT, 'bench', 'servers', 'bare-ws.mjs'), [], { logFile: join(tmp, `${name}.log`), files: 4096 })
  const ready = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`bare-ws exited (${code}); see ${child.logFile}`)))
  })
  const call = ipc(child)
  return { child, pid: child.pid, port: ready.port, setRate: (rate) => call('rate', { rate }) }
}

/** The bare Fastify route (baseline), answering `data` as getRadarConnection's. */
export async function startBareFastify (tmp, data, port = 0, output) {
  const child = spawnNode(join(ROOT, 'bench', 'servers', 'bare-fastify.mjs'), [String(port), JSON.stringify(data)], { logFile: join(tmp, `bare-fastify-${++serial}.log`), output })
  const [l] = await waitForLog(child, (l) => l.msg === 'listening')
  return { child, pid: child.pid, port: l.port }
}
