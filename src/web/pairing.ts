/**
 * The pairing panel: reads the stored connection, saves a new one and
 * activates or deactivates it through networkradarpairing.cgi (the browser
 * adds its own credentials). The live state comes from the
 * `tnsaxis:NetworkRadarPairing/State` events, not from polling.
 */

export interface VapixError { code: number, message: string }

export class CgiError extends Error {
  constructor (readonly code: number, message: string) { super(message) }
}

let contextSeq = 0

/** One JSON CGI call; resolves with `data`, rejects with CgiError. */
export async function cgi<T = Record<string, unknown>> (url: string, method: string, params?: Record<string, unknown>): Promise<T> {
  const body: Record<string, unknown> = { apiVersion: '1.0', context: `page-${++contextSeq}`, method }
  if (params !== undefined) body.params = params
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store' })
  let json: { data?: T, error?: VapixError }
  try {
    json = await res.json() as { data?: T, error?: VapixError }
  } catch {
    throw new CgiError(0, `HTTP ${res.status}`)
  }
  if (json.error !== undefined) throw new CgiError(json.error.code, json.error.message)
  return json.data as T
}

const PAIRING = '/networkradarpairing.cgi'

export interface Connection {
  address?: string
  user?: string
  state: string
  tls?: boolean
  'tls-verify'?: boolean
  'tls-certificate-cn'?: string
}

/** Friendly text for the error codes the pairing API answers. */
export function explain (err: unknown): string {
  if (!(err instanceof CgiError)) return (err as Error).message
  const known: Record<number, string> = {
    2104: 'A value is not valid (check the address).',
    2105: 'Your user may not change the pairing (admin role needed).',
    2106: 'Not authenticated.',
    2200: 'Deactivate the pairing before changing it.',
    2201: 'Save a radar connection first.',
    2202: 'This combination of TLS settings cannot work.'
  }
  return known[err.code] ?? `${err.message} (${err.code})`
}

export interface PairingElements {
  form: HTMLFormElement
  address: HTMLInputElement
  user: HTMLInputElement
  password: HTMLInputElement
  tls: HTMLInputElement
  tlsVerify: HTMLInputElement
  cn: HTMLInputElement
  tlsRow: HTMLElement
  cnRow: HTMLElement
  activate: HTMLButtonElement
  deactivate: HTMLButtonElement
  message: HTMLElement
}

export class PairingPanel {
  private profile: '2025-08' | '2026-01' = '2025-08'
  active = false

  constructor (private readonly el: PairingElements, private readonly onActive: (active: boolean) => void) {
    el.form.addEventListener('submit', (e) => { e.preventDefault(); void this.activate() })
    el.deactivate.addEventListener('click', () => { void this.deactivate() })
    el.tls.addEventListener('change', () => { el.tlsVerify.disabled = !el.tls.checked; if (!el.tls.checked) el.tlsVerify.checked = false })
  }

  async load (): Promise<void> {
    try {
      const list = await cgi<{ apiList: Array<{ id: string, name: string }> }>('/axis-cgi/apidiscovery.cgi', 'getApiList', { id: 'network-radar-pairing' })
      if (list.apiList.some((a) => a.name.includes('2026-01'))) this.profile = '2026-01'
    } catch { /* keep the default profile */ }
    this.el.tlsRow.hidden = this.profile === '2026-01'
    this.el.cnRow.hidden = this.profile !== '2026-01'
    try {
      const c = await cgi<Connection>(PAIRING, 'getRadarConnection')
      if (c.address !== undefined) this.el.address.value = c.address
      if (c.user !== undefined) this.el.user.value = c.user
      this.el.tls.checked = c.tls === true
      this.el.tlsVerify.checked = c['tls-verify'] === true
      this.el.tlsVerify.disabled = !this.el.tls.checked
      if (c['tls-certificate-cn'] !== undefined) this.el.cn.value = c['tls-certificate-cn']
      if (c.state !== 'not-configured') this.setActive(await cgi<{ active: boolean }>(PAIRING, 'getActive').then((a) => a.active))
      else await this.suggestBuiltInRadar()
    } catch (err) {
      this.say(explain(err), 'error')
    }
  }

  /** With `npm start`, the camera runs a simulated radar: offer its address (emulator control API, admin only). */
  private async suggestBuiltInRadar (): Promise<void> {
    try {
      const res = await fetch('/emulator/v1/radar-sim', { cache: 'no-store' })
      if (!res.ok) return
      const sim = await res.json() as { running?: boolean, address?: string, httpPort?: number, user?: string }
      if (sim.running !== true || typeof sim.httpPort !== 'number' || this.el.address.value !== '') return
      this.el.address.value = typeof sim.address === 'string' ? sim.address : `${location.hostname}:${sim.httpPort}`
      if (typeof sim.user === 'string') this.el.user.value = sim.user
      this.say('The built-in simulated radar is filled in: enter its password and activate.', 'info')
    } catch { /* no built-in radar */ }
  }

  setActive (active: boolean): void {
    this.active = active
    this.el.deactivate.disabled = !active
    this.el.activate.textContent = active ? 'Save & reconnect' : 'Save & activate'
    this.onActive(active)
  }

  private params (): Record<string, unknown> {
    const p: Record<string, unknown> = { address: this.el.address.value.trim(), user: this.el.user.value, password: this.el.password.value }
    if (this.profile === '2026-01') {
      if (this.el.cn.value.trim() !== '') p['tls-certificate-cn'] = this.el.cn.value.trim()
    } else {
      p.tls = this.el.tls.checked
      p['tls-verify'] = this.el.tlsVerify.checked
    }
    return p
  }

  private async activate (): Promise<void> {
    if (this.el.password.value === '') { this.say('Enter the radar password.', 'error'); this.el.password.focus(); return }
    this.busy(true)
    try {
      if (this.active) { await cgi(PAIRING, 'setActive', { active: false }); this.setActive(false) }
      await cgi(PAIRING, 'setRadarConnection', this.params())
      await cgi(PAIRING, 'setActive', { active: true })
      this.setActive(true)
      this.el.password.value = ''
      this.say('Saved. Connecting to the radar…', 'info')
    } catch (err) {
      this.say(explain(err), 'error')
    } finally {
      this.busy(false)
    }
  }

  private async deactivate (): Promise<void> {
    this.busy(true)
    try {
      await cgi(PAIRING, 'setActive', { active: false })
      this.setActive(false)
      this.say('Pairing deactivated.', 'info')
    } catch (err) {
      this.say(explain(err), 'error')
    } finally {
      this.busy(false)
    }
  }

  private busy (on: boolean): void {
    this.el.activate.disabled = on
    this.el.deactivate.disabled = on || !this.active
  }

  say (text: string, kind: 'info' | 'error' | 'ok'): void {
    this.el.message.textContent = text
    this.el.message.dataset.kind = kind
  }
}
