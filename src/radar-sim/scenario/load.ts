/**
 * Load and validate scenario files (schema.ts). Errors name the file and the
 * field path, e.g. `default.yaml: targets/2/motion/speed: Expected number`.
 */
import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import { parse as parseYaml } from 'yaml'
import { ScenarioSchema, type Scenario, type ScenarioBounds, type ScenarioPoint, type ScenarioRadar } from './schema.js'

export class ScenarioError extends Error {
  override name = 'ScenarioError'
  constructor (readonly source: string, readonly issues: string[]) {
    super(issues.length === 1
      ? `${source}: ${issues[0]}`
      : `${source}: invalid scenario:\n${issues.map((i) => `  - ${i}`).join('\n')}`)
  }
}

const MAX_ISSUES = 20

function isRecord (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function show (path: string): string {
  return path === '' ? '(root)' : path.replace(/^\//, '')
}

/**
 * Schema issues as "path: message". Unions get a useful message: a
 * discriminated union (objects with a literal `type`) is explained with the
 * variant the value names; other unions say what they expect.
 */
function schemaIssues (schema: TSchema, value: unknown, base: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const e of Value.Errors(schema, value)) {
    const path = base + e.path
    if (seen.has(path)) continue // e.g. "required property" then "expected number" for the same field
    seen.add(path)
    if (e.type !== ValueErrorType.Union) {
      out.push(`${show(path)}: ${e.message}`)
      continue
    }
    const variants = (e.schema as unknown as { anyOf: TSchema[] }).anyOf
    const tags = variants.map((v) => (v.properties as Record<string, TSchema> | undefined)?.type?.const as unknown)
    if (tags.every((t) => typeof t === 'string') && isRecord(e.value)) {
      const i = tags.indexOf(e.value.type as string)
      // Value.Default skipped the failing union: apply the chosen variant's defaults before explaining.
      if (i >= 0) out.push(...schemaIssues(variants[i], Value.Default(variants[i], Value.Clone(e.value)), path))
      else out.push(`${show(path + '/type')}: Expected one of ${tags.map((t) => `'${String(t)}'`).join(', ')}`)
    } else if (variants.every((v) => v.const !== undefined)) {
      out.push(`${show(path)}: Expected one of ${variants.map((v) => JSON.stringify(v.const)).join(', ')}`)
    } else {
      const what = typeof e.schema.description === 'string' ? e.schema.description : 'one of the allowed forms'
      out.push(`${show(path)}: Expected ${what}`)
    }
  }
  return out
}

function insideFieldOfView (p: ScenarioPoint, r: ScenarioRadar, margin: number): boolean {
  const range = Math.hypot(p.x, p.y)
  const angle = Math.atan2(p.x, p.y) * 180 / Math.PI
  return range >= r.minDetectionRange + margin && range <= r.maxDetectionRange - margin &&
    angle >= r.minHorizontalAngle && angle <= r.maxHorizontalAngle
}

function insideBounds (p: ScenarioPoint, b: ScenarioBounds): boolean {
  return p.x >= b.xMin && p.x <= b.xMax && p.y >= b.yMin && p.y <= b.yMax
}

/** Checks the schema cannot express (cross-field rules). */
function semanticIssues (s: Scenario): string[] {
  const out: string[] = []
  const r = s.radar
  if (!(r.minDetectionRange < r.maxDetectionRange)) out.push('radar/maxDetectionRange: must be greater than minDetectionRange')
  if (!(r.minHorizontalAngle < r.maxHorizontalAngle)) out.push('radar/maxHorizontalAngle: must be greater than minHorizontalAngle')
  if (!(r.minVerticalAngle < r.maxVerticalAngle)) out.push('radar/maxVerticalAngle: must be greater than minVerticalAngle')
  const maxSpeed = r.maxObjectSpeed / 3.6 // km/h → m/s
  const tooFast = (v: number): boolean => v > maxSpeed + 1e-9
  const speedMsg = (v: number): string => `${v} m/s (${(v * 3.6).toFixed(1)} km/h) exceeds radar.maxObjectSpeed ${r.maxObjectSpeed} km/h`
  const ids = new Map<number, number>()

  s.targets.forEach((t, i) => {
    const at = `targets/${i}`
    if (t.id !== undefined) {
      const other = ids.get(t.id)
      if (other !== undefined) out.push(`${at}/id: ${t.id} is already used by targets/${other}`)
      else ids.set(t.id, i)
    }
    if (t.vanish !== undefined && !(t.vanish > t.appear)) out.push(`${at}/vanish: must be greater than appear (${t.appear})`)
    if (s.durationSeconds !== undefined && t.appear >= s.durationSeconds) {
      out.push(`${at}/appear: ${t.appear} s is not before durationSeconds (${s.durationSeconds} s): the target would never appear`)
    }
    const m = t.motion
    switch (m.type) {
      case 'waypoints': {
        const segments = m.loop ? m.points.length : m.points.length - 1
        const speeds = typeof m.speed === 'number' ? [m.speed] : m.speed
        if (Array.isArray(m.speed) && m.speed.length !== segments) {
          out.push(`${at}/motion/speed: ${m.speed.length} speeds given for ${segments} segments (${m.points.length} points${m.loop ? ', looping' : ''})`)
        }
        if (speeds.every((v) => v === 0)) out.push(`${at}/motion/speed: must not be 0 everywhere`)
        speeds.forEach((v, k) => {
          if (tooFast(v)) out.push(`${at}/motion/speed${Array.isArray(m.speed) ? `/${k}` : ''}: ${speedMsg(v)}`)
        })
        break
      }
      case 'constant': {
        const v = Math.hypot(m.velocity.vx, m.velocity.vy)
        if (tooFast(v)) out.push(`${at}/motion/velocity: ${speedMsg(Number(v.toFixed(3)))}`)
        break
      }
      case 'random-walk': {
        if (tooFast(m.speed)) out.push(`${at}/motion/speed: ${speedMsg(m.speed)}`)
        const b = m.bounds
        if (typeof b === 'object') {
          if (!(b.xMin < b.xMax)) out.push(`${at}/motion/bounds: xMin must be less than xMax`)
          else if (!(b.yMin < b.yMax)) out.push(`${at}/motion/bounds: yMin must be less than yMax`)
          else if (!insideBounds(m.start, b)) out.push(`${at}/motion/start: (${m.start.x}, ${m.start.y}) is outside bounds`)
        } else if (b === 'field-of-view' && !insideFieldOfView(m.start, r, 0)) {
          out.push(`${at}/motion/start: (${m.start.x}, ${m.start.y}) is outside the radar's field of view (bounds: 'field-of-view')`)
        }
        break
      }
    }
  })
  return out
}

/**
 * Validate a parsed scenario document: defaults (Value.Default), schema
 * (Value.Check / Value.Errors), then cross-field checks. Throws ScenarioError
 * naming `sourceName` and every bad field. Does not modify `obj`.
 */
export function parseScenario (obj: unknown, sourceName = 'scenario'): Scenario {
  if (!isRecord(obj)) throw new ScenarioError(sourceName, ['(root): Expected an object (a mapping)'])
  const value = Value.Default(ScenarioSchema, Value.Clone(obj))
  if (!Value.Check(ScenarioSchema, value)) {
    const issues = schemaIssues(ScenarioSchema, value, '')
    throw new ScenarioError(sourceName, issues.length > 0 ? issues.slice(0, MAX_ISSUES) : ['(root): invalid'])
  }
  const issues = semanticIssues(value)
  if (issues.length > 0) throw new ScenarioError(sourceName, issues.slice(0, MAX_ISSUES))
  return value
}

/** Parse scenario text; `format` by file extension: .json, or .yaml/.yml. */
export function parseScenarioText (text: string, sourceName: string, format: 'json' | 'yaml'): Scenario {
  let doc: unknown
  try {
    doc = format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 })
  } catch (e) {
    throw new ScenarioError(sourceName, [`not valid ${format.toUpperCase()}: ${(e as Error).message}`])
  }
  return parseScenario(doc, sourceName)
}

/**
 * Scenarios parsed lately, by file, with the text they came from: the radars
 * of a fleet (and every simulator restart) play the same files, and parsing
 * YAML costs tens of milliseconds. A file whose text changed is parsed again.
 * Entries are deep-frozen: scenes only read them.
 */
const recent = new Map<string, { text: string, scenario: Scenario }>()
const RECENT_MAX = 16

function deepFreeze<T> (v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const x of Object.values(v)) deepFreeze(x)
  }
  return v
}

/** Read a scenario file (.json, .yaml or .yml) and validate it. */
export async function loadScenario (path: string): Promise<Scenario> {
  const ext = extname(path).toLowerCase()
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined
  if (format === undefined) throw new ScenarioError(path, [`unknown scenario file type "${ext}" (use .json, .yaml or .yml)`])
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new ScenarioError(path, [`cannot read: ${(e as Error).message}`])
  }
  const known = recent.get(path)
  if (known?.text === text) return known.scenario
  const scenario = deepFreeze(parseScenarioText(text, path, format))
  recent.delete(path)
  recent.set(path, { text, scenario })
  if (recent.size > RECENT_MAX) recent.delete(recent.keys().next().value as string)
  return scenario
}
