/**
 * End to end through the camera's networkradarpairing.cgi and the real
 * pairing service: a real radar link makes `state` follow the radar.
 */
import t from 'tap'
import { buildTestCamera, cgi } from '../helper.js'
import { createLinkStarter } from '../../src/radar-link/link.js'
import { FAST, RADAR_PASSWORD, RADAR_USER, SILENT, startSim, until } from './sim-helper.js'

const V = '1.0'

t.test('setRadarConnection + setActive: state follows the real radar', async (t) => {
  const sim = await startSim()
  t.teardown(() => sim.close())
  const c = await buildTestCamera({ linkFactory: (sink) => createLinkStarter({ sink, log: SILENT, timeouts: FAST }) })
  t.teardown(c.close)
  const state = async (): Promise<string> => (await cgi(c.app, { apiVersion: V, method: 'getRadarConnection' })).json().data.state
  const waitState = async (s: string): Promise<void> => {
    let last = ''
    const end = Date.now() + 5000
    while ((last = await state()) !== s) {
      if (Date.now() > end) throw new Error(`state stayed ${last}, expected ${s}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
  const configure = async (password: string): Promise<void> => {
    const r = await cgi(c.app, { apiVersion: V, method: 'setRadarConnection', params: { address: `127.0.0.1:${sim.httpPort}`, user: RADAR_USER, password } })
    t.same(r.json().data, {})
  }
  const setActive = async (active: boolean): Promise<void> => {
    t.same((await cgi(c.app, { apiVersion: V, method: 'setActive', params: { active } })).json().data, {})
  }

  await configure('wrong')
  await setActive(true)
  await waitState('authentication-failed')
  t.equal(c.app.camera.pairing.cause, '401 from param.cgi')
  await setActive(false)
  t.equal(await state(), 'not-active')

  await configure(RADAR_PASSWORD)
  await setActive(true)
  await waitState('ok')
  t.equal(sim.status().rtsp.playing, 1)

  sim.faults.add('rtsp-5xx')
  sim.faults.add('drop-after:1ms')
  await waitState('transfer-failed')
  // The drop comes first; the retries then meet the 503.
  await until(() => c.app.camera.pairing.cause === '503 Service Unavailable from RTSP DESCRIBE', 3000, 'the 503 as cause')
  t.equal(await state(), 'transfer-failed')
  sim.faults.clear()
  await waitState('ok')

  await setActive(false)
  t.equal(await state(), 'not-active', 'deactivated at once')
  await until(() => sim.status().rtsp.connections === 0, 2000, 'the radar to see the link gone')
})
