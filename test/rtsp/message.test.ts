import t from 'tap'
import { formatRequest, formatResponse, formatInterleaved, interleavedHeader, parseSessionHeader, parseTransport, reasonPhrase } from '../../src/rtsp/message.js'
import { RtspStreamParser } from '../../src/rtsp/parser.js'

t.test('formatRequest', async (t) => {
  const b = formatRequest({ method: 'DESCRIBE', uri: 'rtsp://h/a?b=1', cseq: 3, headers: { Accept: 'application/sdp', 'X-Many': ['1', '2'], Skip: undefined, 'Content-Length': 99 } })
  t.equal(b.toString(), 'DESCRIBE rtsp://h/a?b=1 RTSP/1.0\r\nCSeq: 3\r\nAccept: application/sdp\r\nX-Many: 1\r\nX-Many: 2\r\n\r\n')
  const withBody = formatRequest({ method: 'SET_PARAMETER', uri: '*', cseq: 4, body: 'ä' })
  t.match(withBody.toString(), /Content-Length: 2\r\n\r\nä$/)
  t.throws(() => formatRequest({ method: 'BAD METHOD', uri: '*', cseq: 1 }))
  t.throws(() => formatRequest({ method: 'OPTIONS', uri: 'a b', cseq: 1 }))
  t.throws(() => formatRequest({ method: 'OPTIONS', uri: '*', cseq: 'x' }))
  t.throws(() => formatRequest({ method: 'OPTIONS', uri: '*', cseq: 1, headers: { X: 'a\r\nInjected: 1' } }), /invalid character/)
})

t.test('formatResponse echoes CSeq and sets Content-Length', async (t) => {
  const [req] = new RtspStreamParser().push(Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 42\r\n\r\n'))
  if (req.kind !== 'request') throw new Error('expected request')
  t.equal(formatResponse({ status: 200, cseq: req, headers: { Public: 'OPTIONS' } }).toString(), 'RTSP/1.0 200 OK\r\nCSeq: 42\r\nPublic: OPTIONS\r\n\r\n')
  t.equal(formatResponse({ status: 461, cseq: 1, body: 'x' }).toString(), 'RTSP/1.0 461 Unsupported transport\r\nCSeq: 1\r\nContent-Length: 1\r\n\r\nx')
  t.equal(formatResponse({ status: 400 }).toString(), 'RTSP/1.0 400 Bad Request\r\n\r\n')
  t.equal(reasonPhrase(455), 'Method Not Valid in This State')
  t.equal(reasonPhrase(599), 'Server Error')
  t.throws(() => formatResponse({ status: 42 }))
})

t.test('interleaved framing', async (t) => {
  t.same([...formatInterleaved(1, Buffer.from([9, 8]))], [0x24, 1, 0, 2, 9, 8])
  t.throws(() => interleavedHeader(256, 1))
  t.throws(() => interleavedHeader(0, 65536))
})

t.test('Session and Transport headers', async (t) => {
  t.same(parseSessionHeader('12345678;timeout=60'), { id: '12345678', timeout: 60 })
  t.same(parseSessionHeader(' abc '), { id: 'abc' })
  t.equal(parseSessionHeader('a b'), undefined)
  const [tcp, udp] = parseTransport('RTP/AVP/TCP;unicast;interleaved=0-1, RTP/AVP;unicast;client_port=5000-5001')
  t.equal(tcp.protocol, 'RTP/AVP/TCP')
  t.same(tcp.interleaved, [0, 1])
  t.equal(tcp.unicast, true)
  t.equal(udp.protocol, 'RTP/AVP')
  t.same(udp.clientPort, [5000, 5001])
  t.same(parseTransport('RTP/AVP/TCP;interleaved=4').map((s) => s.interleaved), [[4, 5]])
  t.equal(parseTransport('RTP/AVP;multicast')[0].unicast, false)
  t.same(parseTransport('garbage!'), [])
})
