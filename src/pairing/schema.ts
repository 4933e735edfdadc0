/**
 * Shapes of the pairing: the stored configuration, the state file, the
 * public states, and the per-profile parameters of the API.
 * Spec: network-radar-pairing.md "Methods", "States", Decisions/Profiles.
 */
import { Type, FormatRegistry, type Static } from '@sinclair/typebox'
import { isRadarAddress } from './address.js'

FormatRegistry.Set('radar-address', isRadarAddress)

export const PROFILES = ['2025-08', '2026-01'] as const
export type Profile = typeof PROFILES[number]

export const LinkStateSchema = Type.Union([
  Type.Literal('ok'), Type.Literal('address-failed'), Type.Literal('connect-failed'),
  Type.Literal('authentication-failed'), Type.Literal('transfer-failed'), Type.Literal('failed')
])
/** States the radar link can put an active pairing in. */
export type LinkState = Static<typeof LinkStateSchema>

export const PairingStateSchema = Type.Union([Type.Literal('not-configured'), Type.Literal('not-active'), LinkStateSchema])
export type PairingState = Static<typeof PairingStateSchema>

const Address = Type.String({ format: 'radar-address', maxLength: 300 })
const UserName = Type.String({ minLength: 1, maxLength: 64 })
const Password = Type.String({ minLength: 1, maxLength: 64 })
const CertificateCn = Type.String({ minLength: 1, maxLength: 64 })

/** What is stored: everything either profile needs. */
export const PairingConfigSchema = Type.Object({
  address: Address,
  user: UserName,
  password: Password,
  tls: Type.Boolean(),
  tlsVerify: Type.Boolean(),
  tlsCertificateCn: Type.Optional(CertificateCn)
}, { additionalProperties: false })
export type PairingConfig = Static<typeof PairingConfigSchema>

export const StateFileSchema = Type.Object({
  version: Type.Literal(1),
  config: Type.Union([PairingConfigSchema, Type.Null()]),
  active: Type.Boolean()
}, { additionalProperties: false })
export type StateFile = Static<typeof StateFileSchema>

// ── API shapes, per profile ───────────────────────────────────────────────
export const SetRadarConnection202508 = Type.Object({
  address: Address,
  user: UserName,
  password: Password,
  tls: Type.Optional(Type.Boolean()),
  'tls-verify': Type.Optional(Type.Boolean())
}, { additionalProperties: false })

export const SetRadarConnection202601 = Type.Object({
  address: Address,
  user: UserName,
  password: Password,
  'tls-certificate-cn': Type.Optional(CertificateCn)
}, { additionalProperties: false })

export const RadarConnection202508 = Type.Object({
  address: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
  state: PairingStateSchema,
  tls: Type.Optional(Type.Boolean()),
  'tls-verify': Type.Optional(Type.Boolean())
})
export const RadarConnection202601 = Type.Object({
  address: Type.Optional(Type.String()),
  user: Type.Optional(Type.String()),
  state: PairingStateSchema,
  'tls-certificate-cn': Type.Optional(Type.String())
})
export type RadarConnectionData = Static<typeof RadarConnection202508> | Static<typeof RadarConnection202601>

export const SetActiveParams = Type.Object({ active: Type.Boolean() }, { additionalProperties: false })
export const ActiveData = Type.Object({ active: Type.Boolean() })
export const EmptyData = Type.Object({}, { additionalProperties: false })
export const SupportedVersionsData = Type.Object({ apiVersions: Type.Array(Type.String()) })
