import t from 'tap'
import { Backoff } from '../../src/radar-link/backoff.js'

t.test('doubles from 1 s to 30 s without jitter at r = 0.5', async (t) => {
  const b = new Backoff({ random: () => 0.5 })
  const delays = Array.from({ length: 8 }, () => b.next())
  t.same(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000])
  t.equal(b.retries, 8)
  b.reset()
  t.equal(b.next(), 1000)
})

t.test('jitter stays within ±20 %', async (t) => {
  t.equal(new Backoff({ random: () => 0 }).next(), 800)
  t.equal(new Backoff({ random: () => 0.999999 }).next(), 1200)
  const low = new Backoff({ random: () => 0 })
  for (let i = 0; i < 10; i++) low.next()
  t.equal(low.next(), 24000)
  let r = 0
  const b = new Backoff({ random: () => { r = (r + 0.37) % 1; return r } })
  for (let i = 0; i < 50; i++) {
    const base = Math.min(30000, 1000 * 2 ** i)
    const d = b.next()
    t.ok(d >= base * 0.8 && d <= base * 1.2, `delay ${d} near ${base}`)
  }
})

t.test('custom bounds and validation', async (t) => {
  const b = new Backoff({ initialMs: 50, maxMs: 200, jitter: 0, random: () => 0.9 })
  t.same([b.next(), b.next(), b.next(), b.next()], [50, 100, 200, 200])
  t.throws(() => new Backoff({ initialMs: 0 }), RangeError)
  t.throws(() => new Backoff({ initialMs: 100, maxMs: 50 }), RangeError)
  t.throws(() => new Backoff({ jitter: 1 }), RangeError)
})
