import t, { type Test } from 'tap'
import { buildTestCamera, basic, ROOT, VIEWER, REALM, digestHeader, challengeParams, cgi, waitFor, type TestCamera } from '../../helper.js'
import { connect, refused, listen, trackFrame, radarObject, RADAR_PROPERTIES, type Client } from '../../overlay/ws-client.js'

const PATH = '/vapix/ws-data-stream'

async function camera (t: Test, opts: Parameters<typeof buildTestCamera>[0] = {}): Promise<{ c: TestCamera, base: string, port: number }> {
  const c = await buildTestCamera(opts)
  t.teardown(c.close)
  const { base, port } = await listen(c.app)
  return { c, base, port }
}

const configureEvents = (topicFilter: string | string[], context = 'ev') => ({
  apiVersion: '1.0', context, method: 'events:configure',
  params: { eventFilterList: (Array.isArray(topicFilter) ? topicFilter : [topicFilter]).map((f) => ({ topicFilter: f })) }
})
const configureScene = (channelFilter = ['1'], context = 'sc') => ({
  apiVersion: '1.0', context, method: 'analytics-scene-description:configure', params: { channelFilter }
})

t.test('authentication before the upgrade', async (t) => {
  const { c, base } = await camera(t)

  t.test('no credentials → 401 with the Digest and Basic challenges, no upgrade', async (t) => {
    const r = await refused(`${base}${PATH}?sources=events`)
    t.equal(r.status, 401)
    const challenges = String(r.headers['www-authenticate'])
    t.match(challenges, /^Digest /)
    t.match(challenges, /Basic realm="AXIS_/)
    t.equal(r.headers.connection, 'close')
  })

  t.test('wrong password → 401', async (t) => {
    t.equal((await refused(`${base}${PATH}?sources=events`, { authorization: basic('root', 'nope') })).status, 401)
  })

  t.test('Digest computed by the test', async (t) => {
    const uri = `${PATH}?sources=events`
    const first = await refused(`${base}${uri}`)
    const p = challengeParams(String(first.headers['www-authenticate']).split(/,\s*(?=Basic )/)[0])
    t.equal(p.realm, REALM)
    const authorization = digestHeader({ user: 'viewer', password: 'viewer', realm: p.realm, nonce: p.nonce, method: 'GET', uri, nc: 1 })
    const client = await connect(`${base}${uri}`, { authorization })
    t.same(await client.call(configureEvents('tnsaxis:NetworkRadarPairing/State')), { apiVersion: '1.0', context: 'ev', method: 'events:configure', data: {} })
    await client.close()
    const wrong = digestHeader({ user: 'viewer', password: 'bad', realm: p.realm, nonce: p.nonce, method: 'GET', uri, nc: 2 })
    t.equal((await refused(`${base}${uri}`, { authorization: wrong })).status, 401)
  })

  t.test('Basic, viewer and up', async (t) => {
    for (const auth of [VIEWER, ROOT]) {
      const client = await connect(`${base}${PATH}?sources=events`, { authorization: auth })
      t.equal(client.ws.readyState, 1)
      await client.close()
    }
  })

  t.test('wssession token: works once', async (t) => {
    const res = await c.app.inject({ method: 'GET', url: '/axis-cgi/wssession.cgi', headers: { authorization: VIEWER } })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/plain/)
    t.equal(res.headers['cache-control'], 'no-store')
    const token = res.body
    t.match(token, /^[0-9]{1,20}$/)
    const client = await connect(`${base}${PATH}?wssession=${token}&sources=events`)
    t.equal((await client.call(configureEvents('tns1:Device//'))).method, 'events:configure')
    await client.close()
    const again = await refused(`${base}${PATH}?wssession=${token}&sources=events`)
    t.equal(again.status, 401, 'a used token is refused')
    t.match(String(again.headers['www-authenticate']), /^Digest /)
    t.equal((await refused(`${base}${PATH}?wssession=12345&sources=events`)).status, 401, 'an unknown token')
    t.equal((await refused(`${base}${PATH}?wssession=abc&sources=events`)).status, 401, 'a malformed token')
  })

  t.test('wssession.cgi itself needs credentials', async (t) => {
    const res = await c.app.inject({ method: 'GET', url: '/axis-cgi/wssession.cgi' })
    t.equal(res.statusCode, 401)
    t.ok(res.headers['www-authenticate'])
  })
})

t.test('a wssession token expires', async (t) => {
  const { c, base } = await camera(t, { wsTokenTtlMs: 1 })
  const token = (await c.app.inject({ method: 'GET', url: '/axis-cgi/wssession.cgi', headers: { authorization: ROOT } })).body
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal((await refused(`${base}${PATH}?wssession=${token}&sources=events`)).status, 401)
})

t.test('sources', async (t) => {
  const { c, base } = await camera(t)
  for (const q of ['', '?sources=', '?sources=video', '?sources=events,video', '?sources=events&sources=events']) {
    const r = await refused(`${base}${PATH}${q}`, { authorization: ROOT })
    t.equal(r.status, 400, q)
  }
  t.equal((await refused(`${base}${PATH}?sources=video`)).status, 401, 'credentials are checked first')
  const plain = await c.app.inject({ method: 'GET', url: `${PATH}?sources=events`, headers: { authorization: ROOT } })
  t.equal(plain.statusCode, 426, 'a plain GET is told to upgrade')
  t.equal((await refused(`${base}/not-here`, { authorization: ROOT })).status, 404)

  const list = await cgi(c.app, { apiVersion: '1.0', method: 'getApiList' }, null, '/axis-cgi/apidiscovery.cgi')
  t.ok(list.json().data.apiList.some((e: { id: string }) => e.id === 'event-streaming-over-websocket'), 'listed in API Discovery')
})

t.test('configure replies and errors', async (t) => {
  const { base } = await camera(t)
  const client = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  t.teardown(client.close)
  const err = async (body: unknown): Promise<any> => { client.send(body); return client.next((m) => 'error' in m) }

  t.same(await err('{nope'), { apiVersion: '1.0', error: { code: 2101, message: 'Invalid JSON.' } })
  t.same((await err('[1]')).error.code, 2101)
  t.same(await err({ apiVersion: '1.0', context: 'x', method: 'events:subscribe' }), { apiVersion: '1.0', context: 'x', method: 'events:subscribe', error: { code: 2102, message: 'Method not supported.' } })
  t.same((await err(configureScene())).error.code, 2102, 'a source this connection did not open')
  t.same((await err({ apiVersion: '1.0', method: 'events:configure', params: {} })).error.code, 2103)
  t.same((await err({ apiVersion: '1.0', method: 'events:configure', params: { eventFilterList: [{}] } })).error.code, 2103)
  t.same((await err({ apiVersion: '1.0', method: 'events:configure', params: { eventFilterList: 'x' } })).error.code, 2104)
  t.same((await err({ apiVersion: '1.0', method: 'events:configure', params: { eventFilterList: [], extra: 1 } })).error.code, 2104)
  t.same((await err(configureEvents('a||b'))).error.code, 2104)
  t.same((await err({ method: 'events:configure', params: { eventFilterList: [] } })).error.code, 2103, 'apiVersion is required')
  const v = await err({ ...configureEvents('tns1:Device//'), apiVersion: '9.0' })
  t.same(v, { apiVersion: '9.0', context: 'ev', method: 'events:configure', error: { code: 2100, message: 'API version not supported.' } })
  t.same(await client.call(configureEvents([])), { apiVersion: '1.0', context: 'ev', method: 'events:configure', data: {} }, 'an empty list unsubscribes')
  t.equal(client.ws.readyState, 1, 'errors keep the connection open')

  const scene = await connect(`${base}${PATH}?sources=analytics-scene-description`, { authorization: ROOT })
  t.teardown(scene.close)
  scene.send(configureScene(['2']))
  t.equal((await scene.next((m) => 'error' in m)).error.code, 2104, 'unknown channel')
  scene.send({ apiVersion: '1.0', method: 'analytics-scene-description:configure', params: {} })
  t.equal((await scene.next((m) => 'error' in m)).error.code, 2103)
  t.same(await scene.call(configureScene()), { apiVersion: '1.0', context: 'sc', method: 'analytics-scene-description:configure', data: {} })
})

t.test('the scene: radarView first, then one notification per frame, DeleteOperation', async (t) => {
  const { c, base } = await camera(t)
  const hub = c.app.camera.overlay
  hub.radarUp(RADAR_PROPERTIES)
  const client = await connect(`${base}${PATH}?sources=analytics-scene-description`, { authorization: VIEWER })
  t.teardown(client.close)
  hub.frame(trackFrame(0))
  t.equal(hub.stats().framesSent, 0, 'nothing before configure')
  client.send(configureScene())
  t.same(client.messages.length, 0)
  const reply = await client.next()
  t.equal(reply.method, 'analytics-scene-description:configure')
  const view = await client.next()
  t.equal(view.method, 'analytics-scene-description:notify')
  t.same(view.params.notification.message.data, { radarView: { minRange: 1, maxRange: 60, minAngle: -47.5, maxAngle: 47.5 } }, 'the first message after configure')

  hub.frame(trackFrame(1, [radarObject({ id: '7' }), radarObject({ id: '8', class: 'Human' })]))
  const f1 = (await client.next()).params.notification.message.data.frame
  t.same(f1.observations.map((o: { track_id: string }) => o.track_id), ['7', '8'])
  t.same(f1.observations[0].bounding_box, { left: 0.55, top: 0.23, right: 0.565, bottom: 0.28 })
  hub.frame(trackFrame(2, [radarObject({ id: '8', class: 'Human' })], ['7']))
  const f2 = (await client.next()).params.notification.message.data.frame
  t.same(f2.operations, [{ id: '7', type: 'DeleteOperation' }])

  hub.radarDown('link stopped')
  const f3 = (await client.next()).params.notification.message.data.frame
  t.same(f3.observations, [])
  t.same(f3.operations, [{ id: '88', type: 'DeleteOperation' }, { id: '8', type: 'DeleteOperation' }], 'radarDown ends every open track (88 from before configure too)')

  // Frames that arrive together are sent once: the newest, with every track ended in between.
  const before = hub.stats()
  hub.frame(trackFrame(10, [radarObject({ id: '20' }), radarObject({ id: '21' })]))
  hub.frame(trackFrame(11, [radarObject({ id: '21' })], ['20']))
  hub.frame(trackFrame(12, [radarObject({ id: '22' })], ['21']))
  const newest = await client.next()
  t.equal(newest.params.notification.timestamp, trackFrame(12).timeMs, 'the newest frame')
  t.same(newest.params.notification.message.data.frame.observations.map((o: { track_id: string }) => o.track_id), ['22'])
  t.same(newest.params.notification.message.data.frame.operations.map((o: { id: string }) => o.id).sort(), ['20', '21'], 'deletes of the skipped frames kept')
  t.equal(hub.stats().framesCoalesced - before.framesCoalesced, 2)
  t.equal(hub.stats().framesSent - before.framesSent, 1)

  t.same(await client.call(configureScene([])), { apiVersion: '1.0', context: 'sc', method: 'analytics-scene-description:configure', data: {} })
  hub.frame(trackFrame(3))
  t.equal(hub.stats().sceneClients, 0, 'unsubscribed')
})

t.test('radarView is null until a radar was seen, and sent again when one comes up', async (t) => {
  const { c, base } = await camera(t)
  const client = await connect(`${base}${PATH}?sources=analytics-scene-description`, { authorization: VIEWER })
  t.teardown(client.close)
  client.send(configureScene())
  await client.next()
  t.same((await client.next()).params.notification.message.data, { radarView: null })
  c.app.camera.overlay.radarUp(RADAR_PROPERTIES)
  t.same((await client.next()).params.notification.message.data.radarView.maxRange, 60)
})

t.test('events: pairing state, radar failure, motion alarm — filtered, on change', async (t) => {
  const { c, base } = await camera(t)
  const client = await connect(`${base}${PATH}?sources=events,analytics-scene-description`, { authorization: VIEWER })
  t.teardown(client.close)
  const notify = (topic: string) => (m: any) => m.method === 'events:notify' && m.params.notification.topic === topic

  t.same(await client.call(configureEvents(['tnsaxis:NetworkRadarPairing/State|tns1:Device/tnsaxis:HardwareFailure//'])), { apiVersion: '1.0', context: 'ev', method: 'events:configure', data: {} })
  const initial = await client.next(notify('tnsaxis:NetworkRadarPairing/State'))
  t.same(initial.params.notification.message, { source: {}, key: {}, data: { state: 'not-configured' } }, 'the current state after configure')
  t.type(initial.params.notification.timestamp, 'number')
  t.same((await client.next(notify('tns1:Device/tnsaxis:HardwareFailure/RadarFailure'))).params.notification.message.data.disruption, '0')

  t.equal((await cgi(c.app, { apiVersion: '1.0', method: 'setRadarConnection', params: { address: '192.0.2.10', user: 'root', password: 'pass' } })).json().error, undefined)
  t.equal((await client.next(notify('tnsaxis:NetworkRadarPairing/State'))).params.notification.message.data.state, 'not-active')
  await cgi(c.app, { apiVersion: '1.0', method: 'setActive', params: { active: true } })
  await waitFor(() => c.link.report !== undefined, 5000, 'link started')
  c.link.report?.({ state: 'connect-failed', cause: 'ECONNREFUSED' })
  t.equal((await client.next(notify('tnsaxis:NetworkRadarPairing/State'))).params.notification.message.data.state, 'connect-failed')
  const failure = await client.next(notify('tns1:Device/tnsaxis:HardwareFailure/RadarFailure'))
  t.same(failure.params.notification.message.source, { channel: '1' })
  t.equal(failure.params.notification.message.data.disruption, '1')
  t.equal(failure.params.notification.message.data.reason, '0')
  t.notMatch(failure.params.notification.message.data.reasonstr, /ECONNREFUSED/, 'no internal causes')
  c.link.report?.({ state: 'ok' })
  t.equal((await client.next(notify('tnsaxis:NetworkRadarPairing/State'))).params.notification.message.data.state, 'ok')
  t.same((await client.next(notify('tns1:Device/tnsaxis:HardwareFailure/RadarFailure'))).params.notification.message.data, { disruption: '0', reason: '0', reasonstr: '' })

  // Motion alarms are not in this filter: nothing arrives for them.
  const hub = c.app.camera.overlay
  hub.frame(trackFrame(1))
  t.same(await client.call(configureEvents('tnsaxis:RadarSource//')), { apiVersion: '1.0', context: 'ev', method: 'events:configure', data: {} }, 'the latest filter replaces the previous one')
  t.equal((await client.next(notify('tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY'))).params.notification.message.data.active, '1', 'current value after configure')
  hub.frame(trackFrame(2))
  hub.frame(trackFrame(3, []))
  hub.frame(trackFrame(4, []))
  hub.frame(trackFrame(5))
  t.equal((await client.next(notify('tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY'))).params.notification.message.data.active, '0')
  t.equal((await client.next(notify('tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY'))).params.notification.message.data.active, '1')
  c.link.report?.({ state: 'transfer-failed' })
  await client.call(configureEvents('tnsaxis:RadarSource//', 'sync'))
  const alarms = client.messages.filter(notify('tnsaxis:RadarSource/MotionAlarm/Channel1ProfileANY')).map((m) => m.params.notification.message.data.active)
  t.same(alarms, ['1', '0', '1', '1'], 'on change only (the last one is the value after re-configure)')
  t.notOk(client.messages.some((m) => notify('tnsaxis:NetworkRadarPairing/State')(m) && m.params.notification.message.data.state === 'transfer-failed'), 'filtered out')
})

t.test('a message over the size limit closes with 1009', async (t) => {
  const { base } = await camera(t, { overlayLimits: { maxMessageBytes: 1024 } })
  const client = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  client.send({ apiVersion: '1.0', context: 'x'.repeat(2000), method: 'events:configure', params: { eventFilterList: [] } })
  t.equal((await client.closed).code, 1009)
})

t.test('the connection cap refuses with 503 before the upgrade', async (t) => {
  const { c, base } = await camera(t, { overlayLimits: { maxClients: 2 } })
  const a = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  const b = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  const r = await refused(`${base}${PATH}?sources=events`, { authorization: ROOT })
  t.equal(r.status, 503)
  t.equal(c.app.camera.overlay.size, 2)
  await a.close()
  await waitFor(() => c.app.camera.overlay.size === 1, 5000, 'a slot freed')
  const d = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  await Promise.all([b.close(), d.close()])
})

t.test('closing the camera closes clients with 1001', async (t) => {
  const c = await buildTestCamera()
  const { base } = await listen(c.app)
  const client: Client = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  await c.close()
  const closed = await client.closed
  t.equal(closed.code, 1001)
  t.match(closed.reason, /shutting down/)
})
