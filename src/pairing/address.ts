/**
 * The `address` parameter: IPv4, IPv6 (bracketed when a port follows) or a
 * DNS name, with an optional `:port` for the radar's HTTP(S) port.
 * Spec: network-radar-pairing.md Decisions/address.
 */
import { isIPv4, isIPv6 } from 'node:net'

export interface RadarAddress {
  /** Host name or IP literal, without brackets. */
  host: string
  port?: number
  /** 4 or 6 for IP literals, 0 for names (resolved by the link). */
  family: 0 | 4 | 6
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/

function parsePort (s: string): number | undefined {
  if (!/^[1-9]\d{0,4}$/.test(s)) return undefined
  const n = Number(s)
  return n <= 65535 ? n : undefined
}

function isHostName (s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s
  if (name.length === 0 || name.length > 253) return false
  const labels = name.split('.')
  if (!labels.every((l) => LABEL.test(l))) return false
  // All-numeric dotted names are IPv4 attempts, not host names (e.g. 300.1.2.3).
  return !labels.every((l) => /^\d+$/.test(l))
}

/** Parses an address, or returns undefined when it is not one. */
export function parseRadarAddress (input: string): RadarAddress | undefined {
  if (input.length === 0 || input.length > 300 || input.trim() !== input) return undefined
  if (input.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(input)
    if (!m || !isIPv6(m[1])) return undefined
    if (m[2] === undefined) return { host: m[1], family: 6 }
    const port = parsePort(m[2])
    return port === undefined ? undefined : { host: m[1], port, family: 6 }
  }
  if (input.includes(':') && input.indexOf(':') !== input.lastIndexOf(':')) {
    return isIPv6(input) ? { host: input, family: 6 } : undefined
  }
  let host = input
  let port: number | undefined
  const colon = input.indexOf(':')
  if (colon >= 0) {
    host = input.slice(0, colon)
    port = parsePort(input.slice(colon + 1))
    if (port === undefined) return undefined
  }
  if (isIPv4(host)) return port === undefined ? { host, family: 4 } : { host, port, family: 4 }
  if (isHostName(host)) return port === undefined ? { host, family: 0 } : { host, port, family: 0 }
  return undefined
}

export const isRadarAddress = (s: string): boolean => parseRadarAddress(s) !== undefined
