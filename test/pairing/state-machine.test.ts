import t from 'tap'
import { INITIAL, publicState, transition } from '../../src/pairing/state-machine.js'

const cfg = { address: 'r', user: 'u', password: 'p', tls: false, tlsVerify: false }

t.test('transitions and public states', async (t) => {
  let s = INITIAL
  t.equal(publicState(s), 'not-configured')
  t.throws(() => transition(s, { type: 'set-active', active: true }), { code: 2201 })
  t.equal(transition(s, { type: 'link', state: 'ok' }), s, 'link reports ignored when inactive')
  s = transition(s, { type: 'configure', config: cfg })
  t.equal(publicState(s), 'not-active')
  s = transition(s, { type: 'set-active', active: true })
  t.equal(publicState(s), 'not-active', 'no outcome yet: not ok')
  t.throws(() => transition(s, { type: 'configure', config: cfg }), { code: 2200 })
  t.throws(() => transition(s, { type: 'clear' }), { code: 2200 })
  for (const st of ['address-failed', 'connect-failed', 'authentication-failed', 'transfer-failed', 'failed', 'ok'] as const) {
    s = transition(s, { type: 'link', state: st })
    t.equal(publicState(s), st)
  }
  t.equal(transition(s, { type: 'set-active', active: true }), s, 'same state: unchanged')
  s = transition(s, { type: 'set-active', active: false })
  t.equal(publicState(s), 'not-active')
  t.equal(s.link, null, 'link outcome forgotten')
  s = transition(s, { type: 'clear' })
  t.equal(publicState(s), 'not-configured')
})
