import t from 'tap'
import {
  LinkFailure, cnMismatchCause, connectCause, dnsCause, formatMs, hostPort, ioCause, isCertificateError,
  noFrameCause, statusCause, toFailure
} from '../../src/radar-link/causes.js'

const err = (code: string, message = code, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { code, ...extra })

t.test('durations and addresses', async (t) => {
  t.equal(formatMs(5000), '5 s')
  t.equal(formatMs(1500), '1.5 s')
  t.equal(formatMs(250), '250 ms')
  t.equal(noFrameCause(5000), 'no frame for 5 s')
  t.equal(hostPort('127.0.0.1', 8081), '127.0.0.1:8081')
  t.equal(hostPort('::1', 80), '[::1]:80')
  t.equal(hostPort('radar.example', 443), 'radar.example:443')
})

t.test('connect causes', async (t) => {
  t.equal(connectCause(err('ECONNREFUSED'), '127.0.0.1', 8081), 'ECONNREFUSED 127.0.0.1:8081')
  t.equal(connectCause(err('EHOSTUNREACH'), '::1', 80), 'EHOSTUNREACH [::1]:80')
  t.equal(connectCause(err('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain'), '127.0.0.1', 443),
    'certificate signed by unknown authority (SELF_SIGNED_CERT_IN_CHAIN)')
  t.equal(connectCause(err('DEPTH_ZERO_SELF_SIGNED_CERT'), '127.0.0.1', 443), 'certificate signed by unknown authority (DEPTH_ZERO_SELF_SIGNED_CERT)')
  t.equal(connectCause(err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), '127.0.0.1', 443), 'certificate signed by unknown authority (UNABLE_TO_VERIFY_LEAF_SIGNATURE)')
  t.equal(connectCause(err('CERT_HAS_EXPIRED'), '127.0.0.1', 443), 'certificate has expired (CERT_HAS_EXPIRED)')
  t.equal(connectCause(err('ERR_TLS_CERT_ALTNAME_INVALID'), '127.0.0.1', 443, 'radar.example'),
    'certificate is not valid for radar.example (ERR_TLS_CERT_ALTNAME_INVALID)')
  t.equal(connectCause(err('ERR_SSL_WRONG_VERSION_NUMBER', 'x', { reason: 'wrong version number' }), '127.0.0.1', 443),
    'TLS handshake with 127.0.0.1:443 failed: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)')
  t.equal(connectCause(new Error('boom'), '127.0.0.1', 1), 'boom (127.0.0.1:1)')
  t.ok(isCertificateError(err('SELF_SIGNED_CERT_IN_CHAIN')))
  t.notOk(isCertificateError(err('ECONNREFUSED')))
})

t.test('dns, io, status, CN causes', async (t) => {
  t.equal(dnsCause(err('ENOTFOUND'), 'radar.example'), 'radar.example: name not found (ENOTFOUND)')
  t.equal(dnsCause(err('EAI_AGAIN'), 'radar.example'), 'radar.example: name server not reachable or temporary failure (EAI_AGAIN)')
  t.equal(dnsCause(err('EWHATEVER'), 'r'), 'r: name lookup failed (EWHATEVER)')
  t.equal(ioCause(err('ECONNRESET'), '127.0.0.1', 554), 'ECONNRESET 127.0.0.1:554')
  t.equal(statusCause(401, 'param.cgi'), '401 from param.cgi')
  t.equal(statusCause(503, 'RTSP DESCRIBE', 'Service Unavailable'), '503 Service Unavailable from RTSP DESCRIBE')
  t.equal(cnMismatchCause('axis-a', 'axis-b'), 'certificate CN axis-a does not match axis-b')
  t.equal(cnMismatchCause(undefined, 'axis-b'), 'certificate CN (none) does not match axis-b')
})

t.test('toFailure keeps LinkFailures and wraps the rest as failed', async (t) => {
  const f = new LinkFailure('connect-failed', 'x')
  t.equal(toFailure(f), f)
  const g = toFailure(new TypeError('oops'))
  t.equal(g.state, 'failed')
  t.equal(g.cause, 'internal error: oops')
})
