/**
 * BASELINE for the API and startup benchmarks: a bare Fastify server with
 * one route answering the same JSON as the camera's getRadarConnection
 * (POST /networkradarpairing.cgi), without authentication, validation,
 * journal or state. `node bare-fastify.mjs <port>`; logs one JSON line
 * when listening.
 */
import Fastify from 'fastify'

const port = Number(process.argv[2] ?? 0)
const data = JSON.parse(process.argv[3] ?? '{"state":"not-active"}')
const app = Fastify({ logger: false })
app.post('/networkradarpairing.cgi', async () => ({ apiVersion: '1.0', method: 'getRadarConnection', data }))
app.get('/emulator/v1/health', async () => ({ status: 'ok' }))
await app.listen({ host: '127.0.0.1', port })
process.stdout.write(JSON.stringify({ msg: 'listening', port: app.server.address().port }) + '\n')
process.on('SIGTERM', () => { app.close().then(() => process.exit(0)) })
