/**
 * The VAPIX JSON error catalogue: code → message → HTTP status.
 * Codes 1100 and 2100–2107 are shared by the VAPIX JSON APIs (both devices);
 * API-specific codes (22xx of Network Radar Pairing) are declared by their API
 * with `defineError` so that every error of a device lives in one table.
 * Spec: network-radar-pairing.md "Errors".
 */

export interface VapixErrorBody { code: number, message: string }

export class VapixError extends Error {
  readonly code: number
  readonly statusCode: number
  /** Envelope fields known when the error was raised, echoed in the answer. */
  echo: { apiVersion?: string, context?: string, method?: string } = {}
  /** Extra HTTP headers for the answer (WWW-Authenticate for 401, Allow for 405). */
  headers: Record<string, string | string[]> = {}

  constructor (code: number, message: string, statusCode: number, detail?: string) {
    super(message)
    this.name = 'VapixError'
    this.code = code
    this.statusCode = statusCode
    // `detail` is for logs only; it never reaches the client.
    if (detail !== undefined) this.cause = detail
  }

  toBody (): VapixErrorBody { return { code: this.code, message: this.message } }
}

export interface ErrorDef {
  code: number
  message: string
  statusCode: number
  (detail?: string): VapixError
}

const catalogue = new Map<number, ErrorDef>()

/** Declares one catalogue entry; a code may be declared once only. */
export function defineError (code: number, message: string, statusCode: number): ErrorDef {
  if (catalogue.has(code)) throw new Error(`VAPIX error ${code} declared twice`)
  const make = ((detail?: string) => new VapixError(code, message, statusCode, detail)) as ErrorDef
  Object.defineProperties(make, {
    code: { value: code }, message: { value: message }, statusCode: { value: statusCode }
  })
  catalogue.set(code, make)
  return make
}

/** The catalogue entry for a code, if declared. */
export function errorByCode (code: number): ErrorDef | undefined { return catalogue.get(code) }

/** Every declared error, for documentation and tests. */
export function errorCatalogue (): ErrorDef[] {
  return [...catalogue.values()].sort((a, b) => a.code - b.code)
}

// Codes shared by the VAPIX JSON APIs.
export const Errors = {
  internal: defineError(1100, 'Internal error.', 500),
  versionNotSupported: defineError(2100, 'API version not supported.', 200),
  invalidJson: defineError(2101, 'Invalid JSON.', 400),
  methodNotSupported: defineError(2102, 'Method not supported.', 200),
  missingParameter: defineError(2103, 'Required parameter missing.', 200),
  invalidParameter: defineError(2104, 'Invalid parameter value specified.', 200),
  authorizationFailed: defineError(2105, 'Authorization failed.', 403),
  authenticationFailed: defineError(2106, 'Authentication failed.', 401),
  /** 405 wrong HTTP method, 411 no length, 413 body too large (also 408/431 for slow or huge requests). */
  transport: (statusCode: 405 | 408 | 411 | 413 | 429 | 431, detail?: string) =>
    new VapixError(2107, 'Transport level error.', statusCode, detail)
} as const
defineError(2107, 'Transport level error.', 405)
