/**
 * Command-line and environment options, shared by both CLIs: every flag has
 * an environment variable; flags win. Bad values fail at start with a clear
 * message naming the flag.
 */
import { parseArgs } from 'node:util'

export interface FlagSpec {
  type: 'string' | 'boolean'
  env: string
  default?: string | boolean
  multiple?: boolean
  help: string
  /** Shown as `--flag VALUE`. */
  value?: string
}

export class UsageError extends Error {}

export function parseFlags<F extends Record<string, FlagSpec>> (argv: string[], flags: F, env: NodeJS.ProcessEnv = process.env): Record<keyof F, string | boolean | string[] | undefined> {
  const options: Record<string, { type: 'string' | 'boolean', multiple?: boolean }> = {}
  for (const [name, spec] of Object.entries(flags)) options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}) }
  let values: Record<string, unknown>
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false } as Parameters<typeof parseArgs>[0]).values as Record<string, unknown>
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const out: Record<string, string | boolean | string[] | undefined> = {}
  for (const [name, spec] of Object.entries(flags)) {
    let v = values[name] as string | boolean | string[] | undefined
    if (v === undefined && env[spec.env] !== undefined && env[spec.env] !== '') {
      const raw = env[spec.env] as string
      if (spec.type === 'boolean') {
        if (!/^(1|0|true|false|yes|no)$/i.test(raw)) throw new UsageError(`${spec.env} must be true or false, got ${JSON.stringify(raw)}`)
        v = /^(1|true|yes)$/i.test(raw)
      } else {
        v = spec.multiple ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw
      }
    }
    out[name] = v ?? spec.default
  }
  return out as Record<keyof F, string | boolean | string[] | undefined>
}

export function usage (command: string, summary: string, flags: Record<string, FlagSpec>): string {
  const lines = [`Usage: ${command} [flags]`, '', summary, '', 'Flags (each also read from the environment variable shown):']
  for (const [name, spec] of Object.entries(flags)) {
    const flag = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? 'VALUE'}`
    const def = spec.default !== undefined && spec.default !== false ? ` (default: ${String(spec.default)})` : ''
    lines.push(`  ${flag.padEnd(28)} ${spec.help}${def}  [${spec.env}]`)
  }
  return lines.join('\n') + '\n'
}

export function intFlag (name: string, v: unknown, min: number, max: number): number {
  const s = String(v)
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`)
  return Number(s)
}

export function oneOf<T extends string> (name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`)
  return v as T
}
