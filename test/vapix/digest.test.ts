import t from 'tap'
import { DigestServer, DigestClient, parseChallenges, parseAuthParams, safeEqual } from '../../src/vapix/digest.js'
import { digestHeader, challengeParams } from '../helper.js'

const realm = 'AXIS_ACCC8E123456'
const pw = (u: string) => (u === 'root' ? 'pass' : undefined)

t.test('challenge shape (RFC 7616 §3.3)', async (t) => {
  const s = new DigestServer({ realm })
  t.match(s.challenge(), /^Digest realm="AXIS_ACCC8E123456", nonce="[A-Za-z0-9_-]{35}", algorithm=MD5, qop="auth"$/)
  t.match(s.challenge(true), /, stale=true$/)
  t.not(challengeParams(s.challenge()).nonce, challengeParams(s.challenge()).nonce, 'fresh nonce each time')
})

t.test('verify: a response computed by the test is accepted once per nc', async (t) => {
  const s = new DigestServer({ realm })
  const nonce = challengeParams(s.challenge()).nonce
  const h = (nc: number, extra: Partial<Parameters<typeof digestHeader>[0]> = {}) =>
    digestHeader({ user: 'root', password: 'pass', realm, nonce, method: 'POST', uri: '/networkradarpairing.cgi', nc, ...extra })
  t.same(s.verify(h(1), 'POST', '/networkradarpairing.cgi', pw), { ok: true, username: 'root' })
  t.match(s.verify(h(1), 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: 'replayed nonce count' })
  t.same(s.verify(h(2), 'POST', '/networkradarpairing.cgi', pw), { ok: true, username: 'root' })
  t.match(s.verify(h(3, { password: 'bad' }), 'POST', '/networkradarpairing.cgi', pw), { ok: false, stale: false, reason: 'wrong password' })
  t.match(s.verify(h(4, { user: 'ghost' }), 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: 'unknown user' })
  t.match(s.verify(h(5, { realm: 'OTHER' }), 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: 'wrong realm' })
  t.match(s.verify(h(6), 'POST', '/other.cgi', pw), { ok: false, reason: /uri/ })
  t.match(s.verify(h(7, { method: 'GET' }), 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: 'wrong password' })
  t.match(s.verify(h(8, { nonce: 'forged' }), 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: 'unknown nonce' })
  // qop is required since it was offered.
  const noQop = h(9).replace(/, qop=auth, nc=\w+, cnonce="\w+"/, '')
  t.match(s.verify(noQop, 'POST', '/networkradarpairing.cgi', pw), { ok: false, reason: /qop/ })
  // An absolute URL in the Digest uri (RTSP clients) matches the same path and query.
  const abs = digestHeader({ user: 'root', password: 'pass', realm, nonce, method: 'DESCRIBE', uri: 'rtsp://127.0.0.1:8554/axis-media/media.amp?video=0', nc: 10 })
  t.same(s.verify(abs, 'DESCRIBE', 'rtsp://127.0.0.1:8554/axis-media/media.amp?video=0', pw), { ok: true, username: 'root' })
})

t.test('expired nonce with the right password → stale; wrong password → not stale', async (t) => {
  let now = 1_000_000
  const s = new DigestServer({ realm, nonceTtlMs: 1000, now: () => now })
  const nonce = challengeParams(s.challenge()).nonce
  now += 1001
  const good = digestHeader({ user: 'root', password: 'pass', realm, nonce, method: 'GET', uri: '/', nc: 1 })
  t.match(s.verify(good, 'GET', '/', pw), { ok: false, stale: true })
  const bad = digestHeader({ user: 'root', password: 'nope', realm, nonce, method: 'GET', uri: '/', nc: 1 })
  t.match(s.verify(bad, 'GET', '/', pw), { ok: false, stale: false })
})

t.test('DigestClient answers a challenge the server accepts, nc increasing', async (t) => {
  const s = new DigestServer({ realm })
  const c = new DigestClient('root', 'pass')
  t.ok(c.setChallenge([s.challenge(), 'Basic realm="x"']))
  for (let i = 0; i < 3; i++) {
    const h = c.authorization('GET', '/axis-cgi/param.cgi?action=list')
    t.match(h, new RegExp(`nc=0000000${i + 1}`))
    t.same(s.verify(h, 'GET', '/axis-cgi/param.cgi?action=list', pw), { ok: true, username: 'root' })
  }
  t.notOk(c.setChallenge('Digest realm="x", nonce="n", algorithm=SHA-256'), 'refuses other algorithms')
  t.notOk(c.setChallenge('Basic realm="x"'), 'no Digest offered')
})

t.test('header parsing', async (t) => {
  t.same(parseAuthParams('a="x, y", b=tok, c="q\\"uote"'), Object.assign(Object.create(null), { a: 'x, y', b: 'tok', c: 'q"uote' }))
  const ch = parseChallenges('Digest realm="r", nonce="n", qop="auth", Basic realm="r"')
  t.same(ch.map((c) => c.scheme), ['digest', 'basic'])
  t.equal(ch[0].params.nonce, 'n')
  t.ok(safeEqual('abc', 'abc'))
  t.notOk(safeEqual('abc', 'abd'))
  t.notOk(safeEqual('abc', 'abcd'))
})
