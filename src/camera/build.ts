/**
 * Creates a camera's Fastify instance with the camera plugin registered.
 * Used by the server, the fleet and the tests.
 */
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { deviceFastify, type HttpLimits } from '../vapix/device-server.js'
import { cameraApp, type CameraOptions } from './app.js'

export interface BuildOptions extends CameraOptions {
  logger: Logger
  httpLimits?: Partial<HttpLimits>
}

export async function buildCamera (opts: BuildOptions): Promise<FastifyInstance> {
  const app = deviceFastify(opts.logger, opts.httpLimits)
  await app.register(cameraApp, opts)
  return app
}
