import t from 'tap'
import { parseRadarAddress } from '../../src/pairing/address.js'

t.test('valid addresses', async (t) => {
  t.same(parseRadarAddress('192.168.0.90'), { host: '192.168.0.90', family: 4 })
  t.same(parseRadarAddress('192.168.0.90:8081'), { host: '192.168.0.90', port: 8081, family: 4 })
  t.same(parseRadarAddress('radar.example.com'), { host: 'radar.example.com', family: 0 })
  t.same(parseRadarAddress('radar.example.com.'), { host: 'radar.example.com.', family: 0 })
  t.same(parseRadarAddress('radar-1:80'), { host: 'radar-1', port: 80, family: 0 })
  t.same(parseRadarAddress('::1'), { host: '::1', family: 6 })
  t.same(parseRadarAddress('[::1]'), { host: '::1', family: 6 })
  t.same(parseRadarAddress('[fe80::1]:8443'), { host: 'fe80::1', port: 8443, family: 6 })
  t.same(parseRadarAddress('2001:db8::1'), { host: '2001:db8::1', family: 6 })
})

t.test('invalid addresses', async (t) => {
  for (const a of ['', ' 1.2.3.4', '1.2.3.4 ', 'a b', '-radar', 'radar-', 'ra_dar', '300.1.1.1', '1.2.3', '1.2.3.4:', '1.2.3.4:0',
    '1.2.3.4:65536', '1.2.3.4:08', 'radar:port', '[::1', '[::1]:', '[::1]x', '[1.2.3.4]', '::g', 'http://radar', 'radar/x',
    'a'.repeat(64) + '.com', ('a'.repeat(60) + '.').repeat(5) + 'com']) {
    t.equal(parseRadarAddress(a), undefined, JSON.stringify(a))
  }
})
