/**
 * TLS (network-radar-pairing.md Decision (TLS) and Profiles): the simulator
 * serves HTTPS and RTSPS with a certificate signed by a CA made at test time.
 */
import t from 'tap'
import { generate } from 'selfsigned'
import { makeCerts, runLink, startSim } from './sim-helper.js'

const CN = 'axis-accc8e0d2210-eccp256-1'

t.test('TLS', async (t) => {
  const certs = await makeCerts(CN)
  const sim = await startSim({ tls: { cert: certs.cert, key: certs.key } })
  t.teardown(() => sim.close())
  const address = `127.0.0.1:${sim.httpsPort}`

  t.test('tls-verify=true with the radar CA → ok (HTTPS and RTSPS)', async (t) => {
    const link = runLink({ address, tls: true, tlsVerify: true }, { deps: { radarCa: certs.ca } })
    t.teardown(() => link.stop())
    await link.waitState('ok', 5000)
    t.equal(sim.status().rtsp.sessions[0]?.tls, true, 'the stream runs over RTSPS')
  })

  t.test('tls-verify=true with a host name → SNI and host-name check pass', async (t) => {
    const link = runLink({ address: `localhost:${sim.httpsPort}`, tls: true, tlsVerify: true }, { deps: { radarCa: Buffer.from(certs.ca) } })
    t.teardown(() => link.stop())
    await link.waitState('ok', 5000)
  })

  t.test('tls-verify=true without the CA → connect-failed, unknown authority', async (t) => {
    const link = runLink({ address, tls: true, tlsVerify: true })
    t.teardown(() => link.stop())
    const r = await link.waitState('connect-failed')
    t.match(r.cause, /^certificate signed by unknown authority \((UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\)$/)
  })

  t.test('tls-verify=false accepts the untrusted certificate → ok', async (t) => {
    const link = runLink({ address, tls: true, tlsVerify: false })
    t.teardown(() => link.stop())
    await link.waitState('ok', 5000)
  })

  t.test('tls=true against the plain HTTP port → connect-failed (handshake)', async (t) => {
    const link = runLink({ address: `127.0.0.1:${sim.httpPort}`, tls: true, tlsVerify: false })
    t.teardown(() => link.stop())
    const r = await link.waitState('connect-failed')
    t.match(r.cause, /^TLS handshake with 127\.0\.0\.1:\d+ failed: .+\(/)
  })

  t.test('profile 2026-01: always TLS; CN match → ok, chain not verified', async (t) => {
    const link = runLink({ address, tls: false, tlsCertificateCn: CN }, { profile: '2026-01' })
    t.teardown(() => link.stop())
    await link.waitState('ok', 5000)
  })

  t.test('profile 2026-01 without a CN → ok', async (t) => {
    const link = runLink({ address, tls: false }, { profile: '2026-01' })
    t.teardown(() => link.stop())
    await link.waitState('ok', 5000)
  })

  t.test('profile 2026-01: CN mismatch → connect-failed', async (t) => {
    const link = runLink({ address, tls: false, tlsCertificateCn: 'axis-000000000000-eccp256-1' }, { profile: '2026-01' })
    t.teardown(() => link.stop())
    const r = await link.waitState('connect-failed')
    t.equal(r.cause, `certificate CN ${CN} does not match axis-000000000000-eccp256-1`)
  })
})

t.test('a self-signed certificate for another host name', async (t) => {
  const self = await generate([{ name: 'commonName', value: 'radar.example' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'radar.example' }] }]
  })
  const sim = await startSim({ tls: { cert: self.cert, key: self.private } })
  t.teardown(() => sim.close())
  const address = `127.0.0.1:${sim.httpsPort}`

  const untrusted = runLink({ address, tls: true, tlsVerify: true })
  t.teardown(() => untrusted.stop())
  t.equal((await untrusted.waitState('connect-failed')).cause, 'certificate signed by unknown authority (DEPTH_ZERO_SELF_SIGNED_CERT)')

  const wrongHost = runLink({ address, tls: true, tlsVerify: true }, { deps: { radarCa: self.cert } })
  t.teardown(() => wrongHost.stop())
  t.equal((await wrongHost.waitState('connect-failed')).cause, 'certificate is not valid for 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)')
})
