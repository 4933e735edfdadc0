/**
 * Interoperability with a real RTSP client: ffprobe/ffmpeg (radar-link.md §5).
 * Finds ffprobe or installs it (apt-get, as root, bounded in time); skips with
 * a clear message when it cannot.
 */
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRadarSimulator, type RadarSimulator } from '../../src/radar-sim/radar.js'
import { readFrame } from '../../src/onvif/read.js'
import { MEDIA_QUERY, selfSigned, testLoader } from './helpers.js'
import { ensureDebianPackage, runs } from '../system-tools.js'

/** ffprobe present, or installed now; a reason string when not possible. */
const ensureFfmpeg = (): true | string => ensureDebianPackage('ffmpeg', () => runs('ffprobe', ['-version']) && runs('ffmpeg', ['-version']))

interface Run { code: number | null, stdout: string, stderr: string }
/** Runs a command asynchronously (the simulator lives in this process). */
async function run (cmd: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : null
      resolve({ code, stdout, stderr })
    })
  })
}

const probe = async (url: string): Promise<Run> =>
  run('ffprobe', ['-v', 'error', '-rtsp_transport', 'tcp', '-show_streams', '-of', 'json', '-timeout', '5000000', url])

t.setTimeout(600_000)
const ready = ensureFfmpeg()
if (ready !== true) {
  t.test("ffprobe interoperability", { skip: ready }, async () => {})
} else {
  let radar: RadarSimulator
  t.before(async () => {
    radar = await startRadarSimulator({ loadScene: testLoader, scenario: 'big:3', tls: await selfSigned() })
  })
  t.teardown(async () => { await radar?.close() })

  t.test('ffprobe sees one data stream over rtsp://', async (t) => {
    const r = await probe(`rtsp://root:radar@127.0.0.1:${radar.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`)
    t.equal(r.code, 0, r.stderr)
    const streams = JSON.parse(r.stdout).streams as Array<{ codec_type: string, time_base: string }>
    t.equal(streams.length, 1)
    t.equal(streams[0].codec_type, 'data')
    t.equal(streams[0].time_base, '1/90000')
  })

  t.test('ffprobe over rtsps:// with a self-signed certificate', async (t) => {
    const r = await probe(`rtsps://root:radar@127.0.0.1:${radar.rtspsPort}/axis-media/media.amp?${MEDIA_QUERY}`)
    t.equal(r.code, 0, r.stderr)
    const streams = JSON.parse(r.stdout).streams as Array<{ codec_type: string }>
    t.same(streams.map((s) => s.codec_type), ['data'])
  })

  t.test('a wrong password is refused with 401', async (t) => {
    const r = await probe(`rtsp://root:wrong@127.0.0.1:${radar.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`)
    t.not(r.code, 0)
    t.match(r.stderr, /401/)
  })

  t.test('ffmpeg writes the frame documents back to back (spec §5)', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'radar-ffmpeg-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    const out = join(dir, 'out.bin')
    const r = await run('ffmpeg', ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '5000000', '-i', `rtsp://root:radar@127.0.0.1:${radar.rtspPort}/axis-media/media.amp?${MEDIA_QUERY}`, '-map', '0:0', '-c', 'copy', '-t', '1', '-f', 'data', out])
    t.equal(r.code, 0, r.stderr)
    const text = await readFile(out, 'utf8')
    const docs = text.split('</tt:MetadataStream>').filter((s) => s.trim() !== '').map((s) => s + '</tt:MetadataStream>')
    t.ok(docs.length >= 3, `${docs.length} documents`)
    for (const d of docs) t.equal(readFrame(d).objects.length, 3)
  })
}
