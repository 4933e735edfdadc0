/**
 * Docker cannot build on these machines: the Dockerfile is checked by a
 * linter (dockerfile-utils) and for the properties the image promises.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { validate } from 'dockerfile-utils'
import { parseAllDocuments } from 'yaml'

const text = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')

t.test('the linter finds nothing', async (t) => {
  const problems = validate(text)
  t.same(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`), [])
})

t.test('multi-stage, production dependencies, non-root, health check, volume', async (t) => {
  t.equal(text.match(/^FROM /gm)?.length, 2, 'two stages')
  t.match(text, /npm prune --omit=dev/)
  t.match(text, /^USER node$/m)
  t.match(text, /^HEALTHCHECK .*\n.*\/emulator\/v1\/health/m)
  t.match(text, /^VOLUME \["\/data"\]$/m)
  t.match(text, /RPE_HOST=0\.0\.0\.0/)
})

t.test('compose and Kubernetes manifests parse', async (t) => {
  for (const f of ['../../docker-compose.yml', '../../deploy/kubernetes/fleet.yaml']) {
    const docs = parseAllDocuments(readFileSync(new URL(f, import.meta.url), 'utf8'))
    for (const d of docs) t.same(d.errors, [], f)
  }
})
