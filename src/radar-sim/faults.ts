/**
 * Faults the radar simulator can be told to show, so that the camera's radar
 * link can be tested against every failure radar-link.md §1 names. A
 * `FaultSet` is consulted by the HTTP app and the RTSP server on every
 * request and frame, and can be changed at run time (CLI `--fault`, the
 * control endpoint); it emits 'change' after every change.
 *
 * Grammar (one spec per string; repeatable — a later spec of the same kind
 * replaces the earlier one):
 *
 *   fault    = "refuse"                       ; new HTTP(S)/RTSP(S) connections are reset at once,
 *                                             ;   open ones are closed when the fault is set
 *            / "reject-auth"                  ; every password is wrong (HTTP and RTSP)
 *            / "drop-after:" duration         ; close the RTSP connection after <duration> of streaming
 *            / "stall-after:" duration        ; after <duration> of streaming send nothing more
 *                                             ;   (no frames, no RTSP answers), socket stays open
 *            / "malformed-xml" [ "-after:" duration ]
 *                                             ; frame documents are not well-formed XML (from the start,
 *                                             ;   or after <duration> of streaming)
 *            / "rtsp-5xx" [ ":" status ]      ; DESCRIBE answers <status> (500..599, default 503)
 *            / "latency:" duration            ; added before every HTTP and RTSP answer
 *            / "not-a-radar"                  ; API Discovery lists no radar APIs, /properties.cgi is 404
 *   duration = number ( "ms" / "s" / "m" )    ; number = digits [ "." digits ], at most 24 h
 *
 * The control endpoint accepts the same strings.
 */
import { EventEmitter } from 'node:events'

export const FAULT_KINDS = ['refuse', 'reject-auth', 'drop-after', 'stall-after', 'malformed-xml', 'rtsp-5xx', 'latency', 'not-a-radar'] as const
export type FaultKind = typeof FAULT_KINDS[number]

export type Fault =
  | { kind: 'refuse' }
  | { kind: 'reject-auth' }
  | { kind: 'not-a-radar' }
  | { kind: 'drop-after', afterMs: number }
  | { kind: 'stall-after', afterMs: number }
  /** afterMs 0: from the first frame. */
  | { kind: 'malformed-xml', afterMs: number }
  | { kind: 'rtsp-5xx', status: number }
  | { kind: 'latency', ms: number }

export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>

/** What the grammar accepts, for error messages and --help. */
export const FAULT_SYNTAX = [
  'refuse', 'reject-auth', 'drop-after:<duration>', 'stall-after:<duration>',
  'malformed-xml', 'malformed-xml-after:<duration>', 'rtsp-5xx[:<500-599>]', 'latency:<duration>', 'not-a-radar'
] as const

export class FaultSpecError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'FaultSpecError'
  }
}

const MAX_MS = 24 * 3600 * 1000

/** Parses `250ms`, `5s`, `1.5s`, `2m` into milliseconds. */
export function parseDuration (s: string, what = 'duration'): number {
  const m = /^(\d{1,9}(?:\.\d{1,6})?)(ms|s|m)$/.exec(s.trim())
  if (!m) throw new FaultSpecError(`${what}: ${JSON.stringify(s)} is not a duration; expected a number with ms, s or m (e.g. 500ms, 5s)`)
  const ms = Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000))
  if (ms > MAX_MS) throw new FaultSpecError(`${what}: ${s} is longer than 24 h`)
  return ms
}

/** Formats milliseconds back into the shortest exact duration string. */
export function formatDuration (ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

const unknown = (spec: string): FaultSpecError =>
  new FaultSpecError(`unknown fault ${JSON.stringify(spec)}; expected one of ${FAULT_SYNTAX.join(', ')}`)

/** Parses one fault spec (see the grammar above). Throws FaultSpecError. */
export function parseFault (spec: string): Fault {
  if (typeof spec !== 'string') throw new FaultSpecError(`a fault spec must be a string, not ${typeof spec}`)
  const s = spec.trim()
  const colon = s.indexOf(':')
  const name = colon < 0 ? s : s.slice(0, colon)
  const arg = colon < 0 ? undefined : s.slice(colon + 1)
  const noArg = (f: Fault): Fault => {
    if (arg !== undefined) throw new FaultSpecError(`fault ${name} takes no argument (got ${JSON.stringify(spec)})`)
    return f
  }
  const needArg = (): string => {
    if (arg === undefined || arg === '') throw new FaultSpecError(`fault ${name} needs a duration, e.g. ${name}:5s`)
    return arg
  }
  switch (name) {
    case 'refuse': return noArg({ kind: 'refuse' })
    case 'reject-auth': return noArg({ kind: 'reject-auth' })
    case 'not-a-radar': return noArg({ kind: 'not-a-radar' })
    case 'malformed-xml': return noArg({ kind: 'malformed-xml', afterMs: 0 })
    case 'drop-after': return { kind: 'drop-after', afterMs: parseDuration(needArg(), name) }
    case 'stall-after': return { kind: 'stall-after', afterMs: parseDuration(needArg(), name) }
    case 'malformed-xml-after': return { kind: 'malformed-xml', afterMs: parseDuration(needArg(), name) }
    case 'latency': return { kind: 'latency', ms: parseDuration(needArg(), name) }
    case 'rtsp-5xx': {
      if (arg === undefined) return { kind: 'rtsp-5xx', status: 503 }
      if (!/^5\d\d$/.test(arg)) throw new FaultSpecError(`fault rtsp-5xx: status ${JSON.stringify(arg)} is not 500..599`)
      return { kind: 'rtsp-5xx', status: Number(arg) }
    }
    default: throw unknown(spec)
  }
}

/** The canonical spec string of a fault (parseFault(formatFault(f)) deep-equals f). */
export function formatFault (f: Fault): string {
  switch (f.kind) {
    case 'refuse': case 'reject-auth': case 'not-a-radar': return f.kind
    case 'drop-after': case 'stall-after': return `${f.kind}:${formatDuration(f.afterMs)}`
    case 'malformed-xml': return f.afterMs === 0 ? 'malformed-xml' : `malformed-xml-after:${formatDuration(f.afterMs)}`
    case 'rtsp-5xx': return f.status === 503 ? 'rtsp-5xx' : `rtsp-5xx:${f.status}`
    case 'latency': return `latency:${formatDuration(f.ms)}`
  }
}

/**
 * The faults in force: at most one per kind. Reads are cheap (a Map lookup)
 * because the servers consult it per request and per frame.
 */
export class FaultSet extends EventEmitter<{ change: [Fault[]] }> {
  private readonly byKind = new Map<FaultKind, Fault>()

  constructor (specs: Iterable<string | Fault> = []) {
    super()
    for (const f of FaultSet.parseAll(specs)) this.byKind.set(f.kind, f)
  }

  /** Parses every spec first, so that one bad spec changes nothing. */
  static parseAll (specs: Iterable<string | Fault>): Fault[] {
    const out: Fault[] = []
    for (const s of specs) out.push(typeof s === 'string' ? parseFault(s) : parseFault(formatFault(s)))
    return out
  }

  /** Replaces every fault with `specs`. */
  set (specs: Iterable<string | Fault>): void {
    const faults = FaultSet.parseAll(specs)
    this.byKind.clear()
    for (const f of faults) this.byKind.set(f.kind, f)
    this.changed()
  }

  /** Adds (or replaces, same kind) faults. */
  add (...specs: Array<string | Fault>): void {
    const faults = FaultSet.parseAll(specs)
    for (const f of faults) this.byKind.set(f.kind, f)
    this.changed()
  }

  remove (kind: FaultKind): void {
    if (this.byKind.delete(kind)) this.changed()
  }

  clear (): void {
    if (this.byKind.size === 0) return
    this.byKind.clear()
    this.changed()
  }

  has (kind: FaultKind): boolean { return this.byKind.has(kind) }

  get<K extends FaultKind> (kind: K): FaultOf<K> | undefined { return this.byKind.get(kind) as FaultOf<K> | undefined }

  list (): Fault[] { return [...this.byKind.values()] }

  /** Canonical spec strings, in FAULT_KINDS order. */
  specs (): string[] {
    return FAULT_KINDS.filter((k) => this.byKind.has(k)).map((k) => formatFault(this.byKind.get(k) as Fault))
  }

  get size (): number { return this.byKind.size }

  private changed (): void { this.emit('change', this.list()) }
}
