import t from 'tap'
import { SessionTokens } from '../../src/overlay/tokens.js'

const root = { name: 'root', password: 'pass', role: 'admin' as const }

t.test('a token is decimal, single-use and expires', async (t) => {
  let now = 1000
  const tokens = new SessionTokens({ ttlMs: 15_000, now: () => now })
  const a = tokens.issue(root)
  t.match(a, /^[0-9]{1,20}$/)
  t.same(tokens.consume(a), root)
  t.equal(tokens.consume(a), undefined, 'used once')
  const b = tokens.issue(root)
  now += 15_000
  t.equal(tokens.consume(b), undefined, 'expired at 15 s')
  t.equal(tokens.size, 0, 'spent either way')
  t.equal(tokens.consume('12ab'), undefined)
  t.equal(tokens.consume(''), undefined)
})

t.test('the store is bounded', async (t) => {
  let now = 0
  const tokens = new SessionTokens({ ttlMs: 100, max: 10, now: () => now })
  const first = tokens.issue(root)
  for (let i = 0; i < 50; i++) tokens.issue(root)
  t.equal(tokens.size, 10)
  t.equal(tokens.consume(first), undefined, 'the oldest went first')
  now += 1000
  tokens.issue(root)
  t.equal(tokens.size, 1, 'expired tokens pruned when full')
  t.throws(() => new SessionTokens({ ttlMs: 0 }))
})
