import t from 'tap'
import { findMetadataMedia, parseSdp, resolveControl, SdpError } from '../../src/radar-link/sdp.js'

const AXIS = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=Session streamed with GStreamer',
  't=0 0',
  'a=control:*',
  'a=range:npt=now-',
  'm=application 0 RTP/AVP 98',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:98 vnd.onvif.metadata/90000',
  'a=control:stream=0',
  ''
].join('\r\n')

t.test('finds the ONVIF metadata media and its control', async (t) => {
  const sdp = parseSdp(AXIS)
  t.equal(sdp.control, '*')
  const m = findMetadataMedia(sdp)
  t.ok(m)
  t.equal(m?.type, 'application')
  t.same(m?.formats, [98])
  t.equal(m?.control, 'stream=0')
  t.same(m?.rtpmap.get(98), { encoding: 'vnd.onvif.metadata', clockRate: 90000 })
})

t.test('picks the metadata among video and audio, bare LF accepted', async (t) => {
  const text = 'v=0\ns=x\nm=video 0 RTP/AVP 96\na=rtpmap:96 H264/90000\na=control:trackID=1\nm=application 0 RTP/AVP 107\na=rtpmap:107 VND.ONVIF.METADATA/90000\na=control:trackID=3\n'
  t.equal(findMetadataMedia(parseSdp(text))?.control, 'trackID=3')
  t.equal(findMetadataMedia(parseSdp('v=0\nm=video 0 RTP/AVP 96\n')), undefined)
  t.equal(findMetadataMedia(parseSdp('v=0\nm=application 0 RTP/AVP 99\na=control:x\n'))?.control, 'x')
})

t.test('malformed SDP', async (t) => {
  t.throws(() => parseSdp('hello'), SdpError)
  t.throws(() => parseSdp('s=no version\n'), SdpError)
  t.throws(() => parseSdp('v=0\nm=\n'), SdpError)
})

t.test('control URLs (radar-link.md §5)', async (t) => {
  const base = 'rtsp://10.0.0.1:554/axis-media/media.amp/'
  t.equal(resolveControl(base, 'stream=0'), 'rtsp://10.0.0.1:554/axis-media/media.amp/stream=0')
  t.equal(resolveControl('rtsp://h/a?video=0', 'stream=0'), 'rtsp://h/a?video=0/stream=0')
  t.equal(resolveControl(base, '*'), base)
  t.equal(resolveControl(base, undefined), base)
  t.equal(resolveControl(base, 'rtsp://other/x'), 'rtsp://other/x')
})
