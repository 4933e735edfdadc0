import t from 'tap'
import { LinkFailure } from '../../src/radar-link/causes.js'
import { checkApiList, NOT_A_RADAR, parseParamList, parseRadarProperties, rtspSettings } from '../../src/radar-link/vapix-steps.js'

const PARAMS = 'root.Network.RTSP.Enabled=yes\nroot.Network.RTSP.Port=554\nroot.Network.RTSP.Timeout=60\nroot.Network.RTSPS.Port=322\r\n'

const failure = (fn: () => unknown): LinkFailure => {
  try { fn() } catch (e) { if (e instanceof LinkFailure) return e; throw e }
  throw new Error('no failure')
}

t.test('param.cgi list parsing', async (t) => {
  const p = parseParamList(PARAMS)
  t.equal(p.get('root.Network.RTSP.Port'), '554')
  t.same(rtspSettings(p, false), { port: 554, timeoutS: 60 })
  t.same(rtspSettings(p, true), { port: 322, timeoutS: 60 })
  t.same(rtspSettings(parseParamList('root.Network.RTSP.Port=8554\n'), false), { port: 8554, timeoutS: 60 })
  t.equal(parseParamList('root.A.B=x=y').get('root.A.B'), 'x=y')
  const e = failure(() => parseParamList('# Error: Error -1 getting param in group \'Network.RTSPS\'\n'))
  t.equal(e.state, 'failed')
  t.match(e.cause, /^param\.cgi: Error: Error -1/)
  t.equal(failure(() => rtspSettings(parseParamList('root.Network.RTSP.Port=554'), true)).cause, 'param.cgi lists no root.Network.RTSPS.Port (RTSPS not enabled on the radar?)')
  t.match(failure(() => rtspSettings(parseParamList('root.Network.RTSP.Port=99999'), false)).cause, /is not a port/)
  t.match(failure(() => parseParamList('garbage line')).cause, /malformed line/)
  t.equal(failure(() => rtspSettings(parseParamList('root.Network.RTSPS.Enabled=no\nroot.Network.RTSPS.Port=322'), true)).cause,
    'RTSPS is not enabled on the radar (root.Network.RTSPS.Enabled=no)')
})

t.test('API Discovery must list radar-properties', async (t) => {
  checkApiList({ apiVersion: '1.0', method: 'getApiList', data: { apiList: [{ id: 'radar-properties', version: '1.0' }] } })
  const e = failure(() => checkApiList({ data: { apiList: [{ id: 'network-radar-pairing' }] } }))
  t.equal(e.state, 'failed')
  t.equal(e.cause, NOT_A_RADAR)
  t.equal(NOT_A_RADAR, 'not a radar: API Discovery lists no radar-properties')
  t.match(failure(() => checkApiList({ error: { code: 2102, message: 'Method not supported.' } })).cause, /error 2102 Method not supported/)
  t.match(failure(() => checkApiList({ data: {} })).cause, /no apiList/)
})

t.test('radar properties', async (t) => {
  const data = {
    device: 'D2210-VE', minDetectionRange: 10, maxDetectionRange: 100, minHorizontalAngle: -30, maxHorizontalAngle: 30,
    minVerticalAngle: -20, maxVerticalAngle: 20, maxRadarObjects: 50, maxObjectSpeed: 120.5, networkPaired: false
  }
  t.same(parseRadarProperties({ data }), data)
  t.match(failure(() => parseRadarProperties({ data: { ...data, maxDetectionRange: '100' } })).cause, /maxDetectionRange missing or malformed/)
  t.match(failure(() => parseRadarProperties({ data: { ...data, device: 1 } })).cause, /device/)
  t.match(failure(() => parseRadarProperties({ data: { ...data, minDetectionRange: 200 } })).cause, /detection range/)
  t.match(failure(() => parseRadarProperties({})).cause, /no data object/)
})
