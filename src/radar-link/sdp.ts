/**
 * The parts of an SDP description (RFC 4566) the link needs: the ONVIF
 * metadata media (`m=application … RTP/AVP <pt>` with
 * `a=rtpmap:<pt> vnd.onvif.metadata/90000`) and its control URL
 * (RFC 2326 §C.1.1: relative to Content-Base, `*` = the base itself).
 */

export interface SdpMedia {
  type: string
  protocol: string
  formats: number[]
  /** payload type → encoding name (as written), e.g. 98 → "vnd.onvif.metadata". */
  rtpmap: Map<number, { encoding: string, clockRate: number }>
  control?: string
}

export interface SdpDescription {
  /** Session-level a=control. */
  control?: string
  media: SdpMedia[]
}

export class SdpError extends Error {
  override name = 'SdpError'
}

/** Parses the session and media sections; lenient about unknown lines. */
export function parseSdp (text: string): SdpDescription {
  const out: SdpDescription = { media: [] }
  let current: SdpMedia | undefined
  let sawVersion = false
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd()
    if (line === '') continue
    if (line.length < 2 || line[1] !== '=') throw new SdpError(`SDP: malformed line ${JSON.stringify(line.slice(0, 60))}`)
    const type = line[0]
    const value = line.slice(2)
    if (type === 'v') { sawVersion = true; continue }
    if (type === 'm') {
      const [media, , protocol, ...fmts] = value.split(/\s+/)
      if (media === undefined || protocol === undefined) throw new SdpError(`SDP: malformed media line ${JSON.stringify(line.slice(0, 60))}`)
      current = { type: media, protocol, formats: fmts.map(Number).filter((n) => Number.isInteger(n)), rtpmap: new Map() }
      out.media.push(current)
      continue
    }
    if (type !== 'a') continue
    const colon = value.indexOf(':')
    const name = colon < 0 ? value : value.slice(0, colon)
    const arg = colon < 0 ? '' : value.slice(colon + 1).trim()
    if (name === 'control') {
      if (current === undefined) out.control = arg
      else current.control = arg
    } else if (name === 'rtpmap' && current !== undefined) {
      const m = /^(\d{1,3})\s+([^/\s]+)\/(\d+)/.exec(arg)
      if (m) current.rtpmap.set(Number(m[1]), { encoding: m[2], clockRate: Number(m[3]) })
    }
  }
  if (!sawVersion) throw new SdpError('SDP: no v= line')
  return out
}

/** The ONVIF metadata media (by rtpmap encoding, else the first application media). */
export function findMetadataMedia (sdp: SdpDescription): SdpMedia | undefined {
  const isMeta = (m: SdpMedia): boolean => [...m.rtpmap.values()].some((r) => r.encoding.toLowerCase() === 'vnd.onvif.metadata')
  return sdp.media.find(isMeta) ?? sdp.media.find((m) => m.type === 'application')
}

/**
 * The URL for a control attribute: absolute URLs stay; `*` (or none) is
 * the base; anything else is appended to the base with one `/` (what ffmpeg
 * does, radar-link.md §5).
 */
export function resolveControl (base: string, control: string | undefined): string {
  if (control === undefined || control === '' || control === '*') return base
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(control)) return control
  return base.endsWith('/') ? base + control : `${base}/${control}`
}
