/**
 * Step 1, resolve (radar-link.md §1): the configured address → the radar's
 * HTTP(S) endpoint. IP literals skip the lookup; names ending in `.invalid`
 * never resolve (RFC 6761 §6.4) and fail without asking DNS.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { parseRadarAddress } from '../pairing/address.js'
import { LinkFailure, dnsCause, formatMs, isAborted } from './causes.js'
import type { Scope } from './scope.js'

export interface Endpoint {
  /** The host as configured (name or IP literal): SNI, Host header, certificate host name. */
  host: string
  /** Addresses to try, in the resolver's order. */
  addresses: string[]
  /** HTTP(S) port: the address's port, else 80 / 443. */
  port: number
  /** True when `host` is a name (not an IP literal). */
  isName: boolean
}

export type LookupAll = (host: string) => Promise<Array<{ address: string, family: number }>>

export const defaultLookup: LookupAll = (host) => dnsLookup(host, { all: true, verbatim: true })

export async function resolveEndpoint (scope: Scope, address: string, tls: boolean, timeoutMs: number, lookup: LookupAll = defaultLookup): Promise<Endpoint> {
  const parsed = parseRadarAddress(address)
  if (parsed === undefined) throw new LinkFailure('address-failed', `${JSON.stringify(address)} is not a host name or IP address`)
  const port = parsed.port ?? (tls ? 443 : 80)
  if (parsed.family !== 0) return { host: parsed.host, addresses: [parsed.host], port, isName: false }
  const name = parsed.host.replace(/\.$/, '')
  if (/(^|\.)invalid$/i.test(name)) throw new LinkFailure('address-failed', `${parsed.host}: name not found (ENOTFOUND)`)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = scope.setTimeout(() => reject(new LinkFailure('address-failed', `${parsed.host}: name lookup timed out after ${formatMs(timeoutMs)}`)), timeoutMs)
  })
  try {
    const found = await scope.race(Promise.race([lookup(name), timeout]))
    if (found.length === 0) throw new LinkFailure('address-failed', `${parsed.host}: no address for the name (ENODATA)`)
    return { host: parsed.host, addresses: found.map((a) => a.address), port, isName: true }
  } catch (err) {
    if (err instanceof LinkFailure || isAborted(err)) throw err
    throw new LinkFailure('address-failed', dnsCause(err, parsed.host))
  } finally {
    scope.clearTimeout(timer)
    timeout.catch(() => {})
  }
}
