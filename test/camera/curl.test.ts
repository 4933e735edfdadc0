/**
 * Real clients: `curl --digest`, `--anyauth` and `--basic` against the camera
 * (curl's default --data sends application/x-www-form-urlencoded; the body is
 * JSON all the same).
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { buildTestCamera } from '../helper.js'
import { ensureDebianPackage, runs } from '../system-tools.js'

const curl = (args: string[]): Promise<{ code: number, out: string }> => new Promise((resolve) => {
  execFile('curl', ['-sS', '-w', '\n%{http_code}', ...args], { timeout: 20_000 }, (err, stdout) => {
    resolve({ code: err === null ? 0 : 1, out: stdout })
  })
})

const ready = ensureDebianPackage('curl', () => runs('curl'))

t.test('curl --digest, --anyauth and --basic', { skip: ready === true ? false : ready }, async (t) => {
  const c = await buildTestCamera()
  t.teardown(c.close)
  await c.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(c.app.server.address() as { port: number }).port}/networkradarpairing.cgi`
  const set = JSON.stringify({ apiVersion: '1.0', context: 'curl', method: 'setRadarConnection', params: { address: '127.0.0.1:8081', user: 'root', password: 'radar' } })
  let r = await curl(['--digest', '-u', 'root:pass', url, '-d', set])
  t.equal(r.out, '{"apiVersion":"1.0","context":"curl","method":"setRadarConnection","data":{}}\n200')
  r = await curl(['--anyauth', '-u', 'operator:operator', url, '-d', '{"apiVersion":"1.0","method":"getRadarConnection"}'])
  t.equal(r.out, '{"apiVersion":"1.0","method":"getRadarConnection","data":{"address":"127.0.0.1:8081","user":"root","state":"not-active","tls":false,"tls-verify":false}}\n200')
  r = await curl(['--basic', '-u', 'viewer:viewer', url, '-d', '{"apiVersion":"1.0","method":"getActive"}'])
  t.equal(r.out, '{"apiVersion":"1.0","method":"getActive","error":{"code":2105,"message":"Authorization failed."}}\n403')
  r = await curl(['--digest', '-u', 'root:wrong', url, '-d', '{"apiVersion":"1.0","method":"getActive"}'])
  t.equal(r.out, '{"apiVersion":"1.0","error":{"code":2106,"message":"Authentication failed."}}\n401')
  r = await curl([url])
  t.equal(r.out, '{"apiVersion":"1.0","error":{"code":2107,"message":"Transport level error."}}\n405', 'GET')
})
