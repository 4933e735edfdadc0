import t from 'tap'
import { startRadarSimulator, type RadarSimulator } from '../../src/radar-sim/radar.js'
import { listParams, radarParams } from '../../src/radar-sim/http-app.js'
import { basicAuthorization } from '../../src/vapix/digest.js'
import { MEDIA_QUERY, TestRtspClient, digestRequest, httpRequest, jsonCall, selfSigned, testLoader } from './helpers.js'
import { DigestClient } from '../../src/vapix/digest.js'
import { parseSessionHeader } from '../../src/rtsp/message.js'

const pemsP = selfSigned()

async function radar (t: { teardown: (fn: () => unknown) => void }, extra: Partial<Parameters<typeof startRadarSimulator>[0]> = {}): Promise<RadarSimulator> {
  const r = await startRadarSimulator({ loadScene: testLoader, scenario: 'one', tls: await pemsP, ...extra })
  t.teardown(() => r.close())
  return r
}

t.test('param list formatting', async (t) => {
  const tree = radarParams({ serial: 'ACCC8E0D2210', rtspPort: 554 })
  t.equal(listParams(tree, ['Network.RTSP']), 'root.Network.RTSP.Enabled=yes\nroot.Network.RTSP.Port=554\nroot.Network.RTSP.Timeout=60\n')
  t.equal(listParams(tree, ['Network.RTSP.Port']), 'root.Network.RTSP.Port=554\n')
  t.equal(listParams(tree, ['root.Properties.API.RTSP.Version']), 'root.Properties.API.RTSP.Version=2.01\n')
  t.equal(listParams(tree, ['Network.RTS']), "# Error: Error -1 getting param in group 'Network.RTS'\n", 'prefixes are whole names')
  t.match(listParams(tree, ['Nope', 'Brand.ProdNbr']), /^# Error: .*'Nope'\nroot.Brand.ProdNbr=D2210-VE\n$/)
  t.match(listParams(tree, ['Network.RTSPS']), /root.Network.RTSPS.Enabled=no\nroot.Network.RTSPS.Port=322\n/)
})

t.test('param.cgi with Digest over HTTP', async (t) => {
  const r = await radar(t)
  const path = '/axis-cgi/param.cgi?action=list&group=Network.RTSP,Network.RTSPS'
  const res = await digestRequest({ port: r.httpPort, path })
  t.equal(res.first.status, 401)
  const challenges = ([] as string[]).concat(res.first.headers['www-authenticate'] ?? [])
  t.same(challenges.length, 1, 'Digest only over plain HTTP')
  t.match(challenges[0], /^Digest realm="AXIS_ACCC8E0D2210", nonce="[^"]+", algorithm=MD5, qop="auth"$/)
  t.equal(res.status, 200)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.equal(res.body, [
    'root.Network.RTSP.Enabled=yes',
    `root.Network.RTSP.Port=${r.rtspPort}`,
    'root.Network.RTSP.Timeout=60',
    'root.Network.RTSPS.Enabled=yes',
    `root.Network.RTSPS.Port=${r.rtspsPort}`,
    ''
  ].join('\n'))
  const brand = await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Brand,Properties.API.RTSP,Properties.System.SerialNumber' })
  t.match(brand.body, /root.Brand.ProdNbr=D2210-VE\n/)
  t.match(brand.body, /root.Properties.API.RTSP.Version=2.01\n/)
  t.match(brand.body, /root.Properties.System.SerialNumber=ACCC8E0D2210\n/)
  const unknown = await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Foo.Bar' })
  t.equal(unknown.status, 200)
  t.equal(unknown.body, "# Error: Error -1 getting param in group 'Foo.Bar'\n")
  const noAction = await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?group=Brand' })
  t.match(noAction.body, /^# Error: /)
  const update = await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=update&Network.RTSP.Port=1' })
  t.match(update.body, /^# Error: /)
  const wrong = await digestRequest({ port: r.httpPort, path, password: 'nope' })
  t.equal(wrong.status, 401)
})

t.test('Basic is refused over HTTP and accepted over HTTPS', async (t) => {
  const r = await radar(t)
  const path = '/axis-cgi/param.cgi?action=list&group=Brand.ProdNbr'
  const plain = await httpRequest({ port: r.httpPort, path, headers: { authorization: basicAuthorization('root', 'radar') } })
  t.equal(plain.status, 401)
  const https = await httpRequest({ port: r.httpsPort as number, tls: true, path, headers: { authorization: basicAuthorization('root', 'radar') } })
  t.equal(https.status, 200)
  t.equal(https.body, 'root.Brand.ProdNbr=D2210-VE\n')
  const challenge = await httpRequest({ port: r.httpsPort as number, tls: true, path })
  t.match(([] as string[]).concat(challenge.headers['www-authenticate'] ?? []).join(', '), /Digest realm=.*, Basic realm="AXIS_ACCC8E0D2210"/)
  const bad = await httpRequest({ port: r.httpsPort as number, tls: true, path, headers: { authorization: basicAuthorization('root', 'x') } })
  t.equal(bad.status, 401)
  const digest = await digestRequest({ port: r.httpsPort as number, tls: true, path })
  t.equal(digest.status, 200, 'Digest over HTTPS too')
})

t.test('API Discovery is anonymous and lists the radar APIs', async (t) => {
  const r = await radar(t)
  const res = await httpRequest({ port: r.httpPort, path: '/axis-cgi/apidiscovery.cgi', method: 'POST', body: JSON.stringify({ apiVersion: '1.0', method: 'getApiList' }) })
  t.equal(res.status, 200)
  const ids = (JSON.parse(res.body).data.apiList as Array<{ id: string, status: string }>).map((a) => a.id).sort()
  t.same(ids, ['api-discovery', 'event-streaming-over-websocket', 'radar-analytics2', 'radar-control2', 'radar-properties'])
})

t.test('getRadarProperties: data per spec, networkPaired while a camera streams', async (t) => {
  const r = await radar(t)
  const call = async (): Promise<any> => (await jsonCall(r.httpPort, '/properties.cgi', { apiVersion: '1.0', context: 'c', method: 'getRadarProperties' })).json
  const unauth = await httpRequest({ port: r.httpPort, path: '/properties.cgi', method: 'POST', body: '{}' })
  t.equal(unauth.status, 401)
  const before = await call()
  t.same(before, {
    apiVersion: '1.0',
    context: 'c',
    method: 'getRadarProperties',
    data: { device: 'D2210-VE', minDetectionRange: 10, maxDetectionRange: 100, minHorizontalAngle: -30, maxHorizontalAngle: 30, minVerticalAngle: -20, maxVerticalAngle: 20, maxRadarObjects: 50, maxObjectSpeed: 120.5, networkPaired: false }
  })
  const c = await TestRtspClient.connect(r.rtspPort)
  t.teardown(() => c.close())
  c.digest = new DigestClient('root', 'radar')
  const base = `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp/`
  await c.request('DESCRIBE', `rtsp://127.0.0.1:${r.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`)
  const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
  c.session = parseSessionHeader(s.headers.session)?.id
  t.equal((await call()).data.networkPaired, false, 'set up but not playing')
  await c.request('PLAY', base)
  t.equal((await call()).data.networkPaired, true)
  await c.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  for (let k = 0; k < 50 && r.status().streaming; k++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await call()).data.networkPaired, false, 'after the camera left')
  const bad = await jsonCall(r.httpPort, '/properties.cgi', { apiVersion: '1.0', method: 'setRadarProperties' })
  t.equal(bad.json.error.code, 2102)
  const versions = await jsonCall(r.httpPort, '/properties.cgi', { method: 'getSupportedVersions' })
  t.same(versions.json.data, { apiVersions: ['1.0'] })
})

t.test('unknown paths are 404', async (t) => {
  const r = await radar(t)
  const res = await httpRequest({ port: r.httpPort, path: '/nothing' })
  t.equal(res.status, 404)
})
