/**
 * The pairing's persistent state: one JSON file in the state directory,
 * written atomically (temp file, fsync, rename, fsync of the directory),
 * owner-only modes, writes serialised. A file that cannot be read back is
 * moved aside and the camera starts unconfigured.
 * Spec: network-radar-pairing.md Decisions/Persistence.
 */
import { mkdir, open, readFile, rename, chmod, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { Log } from '../common/log.js'
import { StateFileSchema, type StateFile } from './schema.js'

const checkStateFile = TypeCompiler.Compile(StateFileSchema)
export const EMPTY_STATE: StateFile = Object.freeze({ version: 1, config: null, active: false }) as StateFile

export class PairingStore {
  readonly file: string
  private queue: Promise<void> = Promise.resolve()

  constructor (readonly dir: string, private readonly log?: Log) {
    this.file = join(dir, 'pairing.json')
  }

  /** Reads the state; a missing file is a factory state, a corrupt one is moved aside. */
  async load (): Promise<StateFile> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...EMPTY_STATE }
      throw err
    }
    let data: unknown
    let problem: string | undefined
    try {
      data = JSON.parse(text)
      if (!checkStateFile.Check(data)) {
        const e = checkStateFile.Errors(data).First()
        problem = e ? `${e.path || '/'}: ${e.message}` : 'does not match the schema'
      }
    } catch (err) {
      problem = `not JSON (${(err as Error).message})`
    }
    if (problem === undefined) return data as StateFile
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await rename(this.file, aside)
    this.log?.error({ file: this.file, movedTo: aside, problem }, 'corrupt pairing state file moved aside; starting unconfigured')
    return { ...EMPTY_STATE }
  }

  /** Writes the whole state atomically; calls are serialised in order. */
  save (state: StateFile): Promise<void> {
    const run = this.queue.then(() => this.write(state))
    this.queue = run.catch(() => {})
    return run
  }

  /** Resolves once every write queued so far has finished. */
  async flush (): Promise<void> { await this.queue }

  private async write (state: StateFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    const tmp = join(this.dir, `.pairing.json.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
    const fh = await open(tmp, 'w', 0o600)
    try {
      await fh.writeFile(JSON.stringify(state, null, 2) + '\n')
      await fh.sync()
    } catch (err) {
      await fh.close()
      await unlink(tmp).catch(() => {})
      throw err
    }
    await fh.close()
    await chmod(tmp, 0o600)
    await rename(tmp, this.file)
    // Make the rename itself durable.
    const dh = await open(this.dir, 'r')
    try { await dh.sync() } finally { await dh.close() }
  }
}
