/**
 * The VAPIX JSON request/response envelope: apiVersion negotiation, context
 * echo, method dispatch and parameter validation against TypeBox schemas.
 * Spec: network-radar-pairing.md "Transport" and "Decisions" (apiVersion, method).
 */
import { Type, type TObject, type TSchema, type Static } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { Errors, VapixError } from './errors.js'

export const ErrorBodySchema = Type.Object({ code: Type.Integer(), message: Type.String() })

/** A response: apiVersion, context (only if given), method, and data xor error. */
export const ResponseEnvelope = <D extends TSchema>(data: D) => Type.Union([
  Type.Object({ apiVersion: Type.String(), context: Type.Optional(Type.String()), method: Type.Optional(Type.String()), data }),
  Type.Object({ apiVersion: Type.String(), context: Type.Optional(Type.String()), method: Type.Optional(Type.String()), error: ErrorBodySchema })
])

export interface Envelope {
  apiVersion: string
  context?: string
  method: string
  params: Record<string, unknown>
}

export interface ResponseBody {
  apiVersion: string
  context?: string
  method?: string
  data?: unknown
  error?: { code: number, message: string }
}

const VERSION_RE = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/

/**
 * Supported versions as "major.minor" strings, each major with its highest
 * minor (what getSupportedVersions answers).
 */
export class ApiVersions {
  private readonly highestMinor = new Map<number, number>()
  readonly list: readonly string[]

  constructor (versions: readonly string[]) {
    if (versions.length === 0) throw new TypeError('ApiVersions: at least one version is required')
    for (const v of versions) {
      const m = VERSION_RE.exec(v)
      if (!m) throw new TypeError(`ApiVersions: ${JSON.stringify(v)} is not major.minor`)
      this.highestMinor.set(Number(m[1]), Math.max(Number(m[2]), this.highestMinor.get(Number(m[1])) ?? 0))
    }
    this.list = [...this.highestMinor].sort((a, b) => a[0] - b[0]).map(([M, m]) => `${M}.${m}`)
  }

  get highest (): string { return this.list[this.list.length - 1] }

  /** 2104 when malformed, 2100 when the major is unknown or the minor too high. */
  check (v: string): void {
    const m = VERSION_RE.exec(v)
    if (!m) throw Errors.invalidParameter(`apiVersion ${JSON.stringify(v)} is not major.minor`)
    const top = this.highestMinor.get(Number(m[1]))
    if (top === undefined || Number(m[2]) > top) throw Errors.versionNotSupported(`apiVersion ${v}`)
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)

export interface EnvelopeRules {
  versions: ApiVersions
  methods: ReadonlySet<string>
  /** Methods that may be sent without apiVersion (getSupportedVersions). */
  versionless?: ReadonlySet<string>
}

/**
 * Reads the envelope of a parsed JSON body. Errors carry what could be read
 * (apiVersion, context, method) so that the answer echoes it.
 */
export function readEnvelope (body: unknown, rules: EnvelopeRules): Envelope {
  if (!isPlainObject(body)) throw Errors.invalidJson('the body is not a JSON object')
  const echo: VapixError['echo'] = {}
  const fail = (err: VapixError): VapixError => { err.echo = { ...echo }; return err }
  const { apiVersion, context, method } = body

  if (typeof method === 'string') echo.method = method
  if (typeof context === 'string') echo.context = context
  if (typeof apiVersion === 'string') echo.apiVersion = apiVersion

  if (hasOwn(body, 'context') && typeof context !== 'string') throw fail(Errors.invalidParameter('context is not a string'))
  if (apiVersion === undefined) {
    if (!(typeof method === 'string' && rules.versionless?.has(method))) throw fail(Errors.missingParameter('apiVersion'))
  } else if (typeof apiVersion !== 'string') {
    throw fail(Errors.invalidParameter('apiVersion is not a string'))
  } else {
    try { rules.versions.check(apiVersion) } catch (err) { throw fail(err as VapixError) }
  }
  if (method === undefined) throw fail(Errors.missingParameter('method'))
  if (typeof method !== 'string') throw fail(Errors.invalidParameter('method is not a string'))
  if (!rules.methods.has(method)) throw fail(Errors.methodNotSupported(method))
  const params = body.params
  if (params !== undefined && !isPlainObject(params)) throw fail(Errors.invalidParameter('params is not an object'))
  return {
    apiVersion: typeof apiVersion === 'string' ? apiVersion : rules.versions.highest,
    ...(typeof context === 'string' ? { context } : {}),
    method,
    params: params ?? {}
  }
}

/**
 * A compiled parameter validator for one method: missing required → 2103,
 * unknown member → 2104 (except `ignored` ones, which are dropped), anything
 * the schema refuses → 2104.
 */
export class ParamsValidator<S extends TObject> {
  private readonly check: TypeCheck<S>
  private readonly required: readonly string[]
  private readonly known: ReadonlySet<string>

  constructor (readonly schema: S, private readonly ignored: readonly string[] = []) {
    this.check = TypeCompiler.Compile(schema)
    this.required = schema.required ?? []
    this.known = new Set(Object.keys(schema.properties))
  }

  validate (params: Record<string, unknown>): Static<S> {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(params)) {
      if (this.ignored.includes(k)) continue
      if (!this.known.has(k)) throw Errors.invalidParameter(`unknown parameter ${k}`)
      // Defined, not assigned: a "__proto__" key stays a plain own property.
      Object.defineProperty(out, k, { value: params[k], enumerable: true, writable: true, configurable: true })
    }
    for (const k of this.required) if (!hasOwn(out, k)) throw Errors.missingParameter(k)
    if (!this.check.Check(out)) {
      const first = this.check.Errors(out).First()
      throw Errors.invalidParameter(first ? `${first.path}: ${first.message}` : 'invalid params')
    }
    return out as Static<S>
  }
}

/** Builds a success or error body. */
export function answer (env: { apiVersion: string, context?: string, method?: string }, result: { data: unknown } | { error: VapixError }): ResponseBody {
  const out: ResponseBody = { apiVersion: env.apiVersion }
  if (env.context !== undefined) out.context = env.context
  if (env.method !== undefined) out.method = env.method
  if ('data' in result) out.data = result.data
  else out.error = result.error.toBody()
  return out
}
