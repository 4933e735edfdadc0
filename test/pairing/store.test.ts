import t from 'tap'
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PairingStore } from '../../src/pairing/store.js'
import { tempDir } from '../helper.js'
import type { StateFile } from '../../src/pairing/schema.js'

const cfg = { address: '10.1.2.3', user: 'u', password: 'p', tls: false, tlsVerify: false }

function captureLog () {
  const lines: Array<Record<string, unknown>> = []
  const log = { info: () => {}, warn: () => {}, debug: () => {}, error: (o: Record<string, unknown>, msg: string) => { lines.push({ ...o, msg }) } }
  return { log: log as never, lines }
}

t.test('missing file is the factory state; saves are atomic and owner-only', async (t) => {
  const dir = join(await tempDir(), 'state')
  const store = new PairingStore(dir)
  t.same(await store.load(), { version: 1, config: null, active: false })
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'directory owner-only')
  const s: StateFile = { version: 1, config: cfg, active: true }
  await store.save(s)
  t.same(JSON.parse(await readFile(store.file, 'utf8')), s)
  t.equal((await stat(store.file)).mode & 0o777, 0o600, 'file owner-only')
  t.same(await readdir(dir), ['pairing.json'], 'no temp file left')
  t.same(await new PairingStore(dir).load(), s, 'read back by a new store')
})

t.test('writes are serialised in call order', async (t) => {
  const dir = await tempDir()
  const store = new PairingStore(dir)
  const writes = Array.from({ length: 20 }, (_, i) => store.save({ version: 1, config: { ...cfg, user: `u${i}` }, active: i % 2 === 0 }))
  await Promise.all(writes)
  const last = JSON.parse(await readFile(store.file, 'utf8'))
  t.equal(last.config.user, 'u19')
  t.equal(last.active, false)
})

t.test('a corrupt file is moved aside, logged, and the camera starts unconfigured', async (t) => {
  for (const content of ['{"version":1,"config":', '{"version":2}', '[]', '{"version":1,"config":{"address":"x y"},"active":true}']) {
    const dir = await tempDir()
    await mkdir(dir, { recursive: true })
    await writeFile(join(dir, 'pairing.json'), content)
    const { log, lines } = captureLog()
    const store = new PairingStore(dir, log)
    t.same(await store.load(), { version: 1, config: null, active: false }, content)
    const files = await readdir(dir)
    const aside = files.find((f) => f.startsWith('pairing.json.corrupt-'))
    t.ok(aside, 'moved aside')
    t.equal(await readFile(join(dir, aside as string), 'utf8'), content, 'kept for inspection')
    t.notOk(files.includes('pairing.json'))
    t.equal(lines.length, 1)
    t.match(lines[0], { msg: /corrupt/, problem: String })
  }
})
