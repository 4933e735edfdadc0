import t from 'tap'
import net from 'node:net'
import { startRadarSimulator } from '../../src/radar-sim/radar.js'
import { DigestClient } from '../../src/vapix/digest.js'
import { parseSessionHeader } from '../../src/rtsp/message.js'
import { MEDIA_QUERY, TestRtspClient, digestRequest, selfSigned, testLoader } from './helpers.js'

const resources = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap').sort()

/** Waits (bounded) for the test's own client sockets to finish closing. */
async function settled (baseline: string[]): Promise<string[]> {
  for (let i = 0; i < 100 && JSON.stringify(resources()) !== JSON.stringify(baseline); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  return resources()
}

t.test('close() leaves no socket, server or timer behind, even mid-stream and mid-latency', async (t) => {
  const pems = await selfSigned()
  // Warm up lazily created resources (DNS, TLS contexts) before taking the baseline.
  const warm = await startRadarSimulator({ loadScene: testLoader, scenario: 'one', tls: pems })
  await digestRequest({ port: warm.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Brand' })
  await warm.close()
  const baseline = await settled([])

  for (let i = 0; i < 20; i++) {
    const r = await startRadarSimulator({ loadScene: testLoader, scenario: 'one', tls: pems, rate: 50, controlPort: 0, faults: i % 2 === 0 ? [] : ['latency:50ms'] })
    const c = await TestRtspClient.connect(i % 3 === 0 ? r.rtspsPort as number : r.rtspPort, { tls: i % 3 === 0 })
    c.digest = new DigestClient('root', 'radar')
    const scheme = i % 3 === 0 ? 'rtsps' : 'rtsp'
    const port = i % 3 === 0 ? r.rtspsPort : r.rtspPort
    const base = `${scheme}://127.0.0.1:${port}/axis-media/media.amp/`
    await c.request('DESCRIBE', `${scheme}://127.0.0.1:${port}/axis-media/media.amp?${MEDIA_QUERY}`)
    const s = await c.request('SETUP', base + 'stream=0', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' })
    c.session = parseSessionHeader(s.headers.session)?.id
    await c.request('PLAY', base)
    await c.until(() => c.frames.length > 0, 5000, 'a frame')
    // Leave a request in flight (held by the latency fault on odd rounds) and an idle keep-alive HTTP connection.
    c.send(`OPTIONS * RTSP/1.0\r\nCSeq: 99\r\n\r\n`)
    await digestRequest({ port: r.httpPort, path: '/axis-cgi/param.cgi?action=list&group=Brand' })
    const keepAlive = net.connect({ port: r.httpPort, host: '127.0.0.1' })
    const answered = new Promise((resolve) => keepAlive.once('data', resolve))
    keepAlive.on('error', () => {})
    keepAlive.write('GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n')
    await answered
    const keepAliveClosed = new Promise((resolve) => keepAlive.once('close', resolve))
    await r.close()
    await c.until(() => c.closed, 5000, 'client closed by the server')
    await keepAliveClosed
    await r.close() // idempotent
  }
  t.same(await settled(baseline), baseline, 'the same resources as before')
})

t.test('option checks', async (t) => {
  await t.rejects(startRadarSimulator({ loadScene: testLoader, scenario: 'one', serial: 'nope' }), /serial must be 12 upper-case hex digits/)
  await t.rejects(startRadarSimulator({ loadScene: testLoader, scenario: 'one', rate: 0 }), /rate/)
  await t.rejects(startRadarSimulator({ loadScene: testLoader, scenario: 'missing' }), /no test scenario/)
  await t.rejects(startRadarSimulator({ loadScene: testLoader, scenario: 'one', faults: ['bogus'] }), /unknown fault "bogus"/)
  // A port in use: the error surfaces and nothing is left listening.
  const a = await startRadarSimulator({ loadScene: testLoader, scenario: 'one' })
  t.teardown(() => a.close())
  await t.rejects(startRadarSimulator({ loadScene: testLoader, scenario: 'one', httpPort: a.httpPort }), /EADDRINUSE/)
})
