/**
 * The page's data-stream connection: a one-time token from wssession.cgi
 * (the browser's own credentials authenticate that request), then
 * `/vapix/ws-data-stream` with both sources, reconnecting with a backoff.
 */
import type { AdfFrame, RadarView, ServerMessage } from './types.js'

export interface StreamHandlers {
  frame: (frame: AdfFrame, timestamp: number) => void
  radarView: (view: RadarView | null) => void
  event: (topic: string, data: Record<string, string>, timestamp: number) => void
  status: (status: 'connecting' | 'open' | 'closed', detail?: string) => void
}

const TOPIC_FILTERS = [
  'tnsaxis:NetworkRadarPairing/State',
  'tnsaxis:RadarSource//',
  'tns1:Device/tnsaxis:HardwareFailure//'
]

export class DataStream {
  private ws: WebSocket | undefined
  private retryMs = 1000
  private timer: number | undefined
  private stopped = false

  constructor (private readonly on: StreamHandlers) {}

  start (): void {
    this.stopped = false
    void this.connect()
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.ws?.close(1000)
  }

  private async connect (): Promise<void> {
    this.on.status('connecting')
    let token: string
    try {
      const res = await fetch('/axis-cgi/wssession.cgi', { cache: 'no-store' })
      if (!res.ok) throw new Error(`wssession.cgi: HTTP ${res.status}`)
      token = (await res.text()).trim()
    } catch (err) {
      this.retry((err as Error).message)
      return
    }
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const ws = new WebSocket(`${scheme}://${location.host}/vapix/ws-data-stream?wssession=${encodeURIComponent(token)}&sources=events,analytics-scene-description`)
    this.ws = ws
    ws.onopen = () => {
      this.retryMs = 1000
      this.on.status('open')
      ws.send(JSON.stringify({ apiVersion: '1.0', context: 'events', method: 'events:configure', params: { eventFilterList: TOPIC_FILTERS.map((topicFilter) => ({ topicFilter })) } }))
      ws.send(JSON.stringify({ apiVersion: '1.0', context: 'scene', method: 'analytics-scene-description:configure', params: { channelFilter: ['1'] } }))
    }
    ws.onmessage = (e: MessageEvent<string>) => { this.dispatch(e.data) }
    ws.onclose = (e) => {
      if (this.ws !== ws) return
      this.ws = undefined
      this.retry(e.reason !== '' ? `closed (${e.code}: ${e.reason})` : `closed (${e.code})`)
    }
  }

  private retry (detail: string): void {
    this.on.status('closed', detail)
    if (this.stopped) return
    this.timer = window.setTimeout(() => { void this.connect() }, this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, 10_000)
  }

  private dispatch (text: string): void {
    let msg: ServerMessage
    try { msg = JSON.parse(text) as ServerMessage } catch { return }
    if (msg.error !== undefined) {
      console.warn('data stream error', msg.method, msg.error)
      return
    }
    const n = msg.params?.notification
    if (n === undefined) return
    if (msg.method === 'events:notify' && n.topic !== undefined) {
      this.on.event(n.topic, n.message.data as Record<string, string>, n.timestamp)
    } else if (msg.method === 'analytics-scene-description:notify') {
      const data = n.message.data
      if ('frame' in data) this.on.frame(data.frame as AdfFrame, n.timestamp)
      else if ('radarView' in data) this.on.radarView(data.radarView as RadarView | null)
    }
  }
}
