/**
 * Listens: one camera on host:port. The only place that opens the camera's
 * socket; shutdown goes through `close()` (Fastify onClose hooks stop the
 * link, close WebSockets with 1001 and flush pending state writes).
 */
import type { FastifyInstance } from 'fastify'
import { buildCamera, type BuildOptions } from './build.js'

export interface CameraServer {
  app: FastifyInstance
  host: string
  port: number
  url: string
  close: () => Promise<void>
}

export async function startCameraServer (opts: BuildOptions & { host: string, port: number }): Promise<CameraServer> {
  const app = await buildCamera(opts)
  try {
    await app.listen({ host: opts.host, port: opts.port })
  } catch (err) {
    await app.close()
    throw err
  }
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : opts.port
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return { app, host: opts.host, port, url: `http://${host}:${port}`, close: () => app.close() }
}
