/**
 * The few camera calls the benchmarks need: the Network Radar Pairing JSON
 * CGI with Basic auth (root:pass), pairing with a radar and waiting for a
 * state.
 */
import http from 'node:http'
import { sleep } from './proc.mjs'

export const ROOT_AUTH = 'Basic ' + Buffer.from('root:pass').toString('base64')

/** POST a JSON body; resolves with { status, body } (body parsed when JSON). */
export function postJson (port, path, body, { auth = ROOT_AUTH, timeoutMs = 10_000 } = {}) {
  const data = Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': data.length, ...(auth ? { authorization: auth } : {}) },
      timeout: timeoutMs
    }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed = text
        try { parsed = JSON.parse(text) } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: parsed })
      })
    })
    req.on('timeout', () => req.destroy(new Error(`POST ${path} timed out`)))
    req.on('error', reject)
    req.end(data)
  })
}

export async function cgi (port, method, params) {
  const r = await postJson(port, '/networkradarpairing.cgi', { apiVersion: '1.0', method, ...(params ? { params } : {}) })
  if (r.status !== 200 || r.body?.error !== undefined) {
    const e = new Error(`${method} on camera :${port}: HTTP ${r.status} ${JSON.stringify(r.body?.error ?? r.body)}`)
    e.vapix = r.body?.error
    throw e
  }
  return r.body.data
}

/** Pairs the camera with a radar (deactivating a previous pairing first) and activates it. */
export async function pair (port, radarAddress, { user = 'root', password = 'radar' } = {}) {
  try { await cgi(port, 'setActive', { active: false }) } catch (e) { if (e.vapix?.code !== 2201) throw e }
  await cgi(port, 'setRadarConnection', { address: radarAddress, user, password })
  await cgi(port, 'setActive', { active: true })
}

/** Polls getRadarConnection until `state`. */
export async function waitState (port, state = 'ok', timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    last = (await cgi(port, 'getRadarConnection')).state
    if (last === state) return
    if (Date.now() > deadline) throw new Error(`camera :${port} is ${last}, not ${state}, after ${timeoutMs} ms`)
    await sleep(50)
  }
}
