/**
 * How the link uses TLS (network-radar-pairing.md Decision (TLS) and
 * Profiles; radar-link.md §1):
 *   - profile 2025-08, tls=false: plain TCP (HTTP, RTSP);
 *   - tls=true, tls-verify=true: the chain and the host name are verified
 *     against the system CAs plus the CA given with --radar-ca; SNI carries
 *     the host when it is a name;
 *   - tls=true, tls-verify=false: any certificate is accepted;
 *   - profile 2026-01: always TLS; the chain is not verified, but when
 *     tls-certificate-cn is set the peer certificate's subject CN must equal it.
 */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls'
import type { PairingConfig, Profile } from '../pairing/schema.js'

export interface TlsPolicy {
  /** Verify chain + host name. */
  verify: boolean
  /** Subject CN the certificate must carry (2026-01), checked after the handshake. */
  expectedCn?: string
  /** Trust store for `verify` (system CAs + radar CA); shared by every connection of a starter. */
  secureContext?: SecureContext
}

/** Builds the verifying trust store once per starter: system CAs plus the extra CA (PEM). */
export function trustStore (radarCa?: Buffer | string): SecureContext {
  const ca: Array<string | Buffer> = [...rootCertificates]
  if (radarCa !== undefined && radarCa.length > 0) ca.push(radarCa)
  return createSecureContext({ ca })
}

/** The link's TLS policy for a configuration, or null for plain TCP. */
export function tlsPolicyFor (config: PairingConfig, profile: Profile, trust: () => SecureContext): TlsPolicy | null {
  if (profile === '2026-01') {
    return config.tlsCertificateCn !== undefined ? { verify: false, expectedCn: config.tlsCertificateCn } : { verify: false }
  }
  if (!config.tls) return null
  return config.tlsVerify ? { verify: true, secureContext: trust() } : { verify: false }
}

/** Whether this configuration speaks TLS (HTTPS and RTSPS). */
export const usesTls = (config: PairingConfig, profile: Profile): boolean => profile === '2026-01' || config.tls
