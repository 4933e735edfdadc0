/**
 * VAPIX user accounts and privilege levels (viewer < operator < admin).
 */
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')])
export type Role = Static<typeof RoleSchema>

export const UserSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^:\\x00-\\x1f]+$' }),
  password: Type.String({ minLength: 1, maxLength: 64 }),
  role: RoleSchema
}, { additionalProperties: false })
export type User = Static<typeof UserSchema>

export const UsersFileSchema = Type.Array(UserSchema, { minItems: 1 })

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 }

/** True when `role` grants what `required` asks for. */
export const hasRole = (role: Role, required: Role): boolean => rank[role] >= rank[required]

export const DEFAULT_USERS: readonly User[] = Object.freeze([
  { name: 'root', password: 'pass', role: 'admin' },
  { name: 'operator', password: 'operator', role: 'operator' },
  { name: 'viewer', password: 'viewer', role: 'viewer' }
])

export class UserStore {
  private readonly byName = new Map<string, User>()

  constructor (users: readonly User[]) {
    for (const u of users) {
      if (!Value.Check(UserSchema, u)) throw new TypeError(`invalid user entry ${JSON.stringify((u as { name?: unknown }).name)}`)
      if (this.byName.has(u.name)) throw new TypeError(`user ${JSON.stringify(u.name)} listed twice`)
      this.byName.set(u.name, { ...u })
    }
    if (this.byName.size === 0) throw new TypeError('at least one user is required')
  }

  get (name: string): User | undefined { return this.byName.get(name) }

  /** Reads a `--users FILE`: a JSON list of {name, password, role}. Errors name the bad entry. */
  static fromFile (path: string): UserStore {
    let data: unknown
    try {
      data = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new Error(`--users ${path}: ${(err as Error).message}`)
    }
    if (!Value.Check(UsersFileSchema, data)) {
      const e = Value.Errors(UsersFileSchema, data).First()
      throw new Error(`--users ${path}: ${e ? `${e.path || '/'}: ${e.message}` : 'invalid'} (expected a JSON list of {name, password, role})`)
    }
    return new UserStore(data)
  }
}
