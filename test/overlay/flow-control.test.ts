/**
 * Flow control with real sockets: a client that stops reading never delays
 * the others, skips frames, keeps its buffers bounded, and is closed with
 * 1008 when stuck (or when its event queue overflows). No timing assertions:
 * the tests wait for states, not for durations.
 */
import t, { type Test } from 'tap'
import type { Socket } from 'node:net'
import { buildTestCamera, ROOT, waitFor } from '../helper.js'
import { connect, listen, stalledClient, trackFrame, radarObject, FrameReader } from './ws-client.js'
import { TOPICS, motionAlarmMessage } from '../../src/overlay/messages.js'
import type { OverlayLimits } from '../../src/overlay/hub.js'

const PATH = '/vapix/ws-data-stream'
const SCENE = JSON.stringify({ apiVersion: '1.0', method: 'analytics-scene-description:configure', params: { channelFilter: ['1'] } })
const EVENTS = JSON.stringify({ apiVersion: '1.0', method: 'events:configure', params: { eventFilterList: [{ topicFilter: 'tnsaxis:RadarSource//' }] } })

/** A frame of `n` objects (~230 bytes each once serialised). */
const bigFrame = (i: number, n = 400) => trackFrame(i, Array.from({ length: n }, (_, k) => radarObject({ id: String(k + 1) })))

async function setup (t: Test, limits: Partial<OverlayLimits>) {
  const c = await buildTestCamera({ overlayLimits: limits })
  t.teardown(c.close)
  const { base, port } = await listen(c.app)
  const hub = c.app.camera.overlay
  return { c, base, port, hub }
}

/** Reads what a stalled socket had left unread; resolves with the close frame's code and reason. */
async function readCloseFrame (socket: Socket): Promise<{ code: number, reason: string }> {
  return new Promise((resolve, reject) => {
    const r = new FrameReader()
    socket.on('data', (chunk: Buffer) => {
      r.push(chunk)
      if (r.close !== undefined) resolve(r.close)
    })
    socket.on('close', () => { reject(new Error('closed without a close frame')) })
    socket.resume()
  })
}

t.test('a stalled client skips frames while a healthy one gets every frame; memory stays bounded', async (t) => {
  const bound = 64 * 1024
  const { port, base, hub } = await setup(t, { sendBufferBytes: bound, stallMs: 3_600_000 })
  const stalled = await stalledClient(port, `${PATH}?sources=analytics-scene-description`, ROOT, [SCENE])
  t.teardown(() => { stalled.destroy() })
  const healthy = await connect(`${base}${PATH}?sources=analytics-scene-description`, { authorization: ROOT })
  t.teardown(healthy.close)
  healthy.send(SCENE)
  await healthy.next((m) => m.params?.notification?.message?.data?.radarView !== undefined)
  await waitFor(() => hub.stats().sceneClients === 2, 5000, 'both configured')

  const frameBytes = Buffer.byteLength(JSON.stringify(bigFrame(0))) + 1024
  const rss0 = process.memoryUsage().rss
  let i = 0
  const pushAndReceive = async (): Promise<void> => {
    const frame = bigFrame(++i)
    hub.frame(frame)
    const m = await healthy.next((m) => m.method === 'analytics-scene-description:notify' && m.params.notification.message.data.frame !== undefined)
    if (m.params.notification.timestamp !== frame.timeMs) throw new Error(`healthy client missed frame ${i}`)
  }
  // Fill the stalled client's kernel buffers until the hub sees it behind.
  while (hub.stats().behind === 0) {
    if (i > 3000) throw new Error('the stalled client never fell behind')
    await pushAndReceive()
  }
  const skippedBefore = hub.stats().framesSkipped
  for (let k = 0; k < 200; k++) await pushAndReceive()
  const stats = hub.stats()
  t.equal(stats.framesSkipped - skippedBefore, 200, 'every frame skipped for the stalled client')
  t.equal(stats.framesSent + stats.framesSkipped, 2 * i, 'each frame offered to both')
  t.ok(stats.bufferedBytes <= bound + frameBytes, `buffered ${stats.bufferedBytes} ≤ bound + one frame`)
  t.equal(stats.queuedBytes, 0)
  t.equal(stats.clients, 2)
  t.ok(process.memoryUsage().rss - rss0 < 200 * 1024 * 1024, 'process memory did not grow with the skipped frames (loose)')
  t.equal(healthy.ws.readyState, 1)
})

t.test('a client stuck over the bound is closed with 1008 and a reason', async (t) => {
  const { port, base, hub } = await setup(t, { sendBufferBytes: 16 * 1024, stallMs: 200, closeGraceMs: 60_000 })
  const stalled = await stalledClient(port, `${PATH}?sources=analytics-scene-description`, ROOT, [SCENE])
  t.teardown(() => { stalled.destroy() })
  await waitFor(() => hub.stats().sceneClients === 1, 5000, 'configured')
  let i = 0
  while (hub.stats().behind === 0) {
    hub.frame(bigFrame(++i))
    await new Promise((resolve) => setImmediate(resolve))
    if (i > 5000) throw new Error('never behind')
  }
  await waitFor(() => hub.stats().closedSlow === 1, 10_000, 'the stall sweep')
  t.equal(hub.stats().sceneClients, 0, 'no more frames for it')
  const close = await readCloseFrame(stalled)
  t.equal(close.code, 1008)
  t.match(close.reason, /too slow/)
  stalled.destroy()
  await waitFor(() => hub.size === 0, 10_000, 'removed')
  // A fresh client is served as usual.
  const fresh = await connect(`${base}${PATH}?sources=analytics-scene-description`, { authorization: ROOT })
  t.teardown(fresh.close)
  t.equal((await fresh.call(JSON.parse(SCENE))).data !== undefined, true)
})

t.test('events are never skipped; an overflowing event queue closes with 1008', async (t) => {
  const maxQueuedBytes = 8 * 1024
  const { port, base, hub } = await setup(t, { sendBufferBytes: 16 * 1024, stallMs: 3_600_000, maxQueuedBytes, closeGraceMs: 60_000 })
  const stalled = await stalledClient(port, `${PATH}?sources=analytics-scene-description,events`, ROOT, [SCENE, EVENTS])
  t.teardown(() => { stalled.destroy() })
  const healthy = await connect(`${base}${PATH}?sources=events`, { authorization: ROOT })
  t.teardown(healthy.close)
  await healthy.call(JSON.parse(EVENTS))
  await waitFor(() => hub.stats().sceneClients === 1 && hub.stats().eventClients === 2, 5000, 'configured')
  let i = 0
  while (hub.stats().behind === 0) {
    hub.frame(bigFrame(++i))
    await new Promise((resolve) => setImmediate(resolve))
    if (i > 5000) throw new Error('never behind')
  }
  // The initial value after configure, then active "1" with the first frame.
  await waitFor(() => healthy.messages.filter((m) => m.method === 'events:notify').length === 2, 5000, 'alarm on')
  let raised = 0
  let maxQueued = 0
  while (hub.stats().closedOverflow === 0) {
    hub.raise(TOPICS.motionAlarm, motionAlarmMessage(raised % 2 === 0))
    raised++
    maxQueued = Math.max(maxQueued, hub.stats().queuedBytes)
    if (raised > 10_000) throw new Error('never overflowed')
  }
  t.ok(maxQueued <= maxQueuedBytes, `queued ${maxQueued} ≤ ${maxQueuedBytes}`)
  for (let k = 0; k < 100; k++) hub.raise(TOPICS.motionAlarm, motionAlarmMessage(k % 2 === 0))
  raised += 100
  const close = await readCloseFrame(stalled)
  t.equal(close.code, 1008)
  t.match(close.reason, /event queue overflow/)
  // The healthy client got every event, in order.
  await waitFor(() => healthy.messages.filter((m) => m.method === 'events:notify').length >= raised + 2, 10_000, 'all events')
  const got = healthy.messages.filter((m) => m.method === 'events:notify' && m.params.notification.topic === TOPICS.motionAlarm)
  t.equal(got.length, raised + 2, 'the initial value, the frames\' alarm and every raised event')
  t.same(got.slice(0, 6).map((m) => m.params.notification.message.data.active), ['0', '1', '1', '0', '1', '0'])
})
