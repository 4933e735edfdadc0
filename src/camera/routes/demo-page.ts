/**
 * The demo page (src/web, bundled into dist/web by scripts/build-web.mjs),
 * served at `/` behind the camera's own authentication (viewer and up): the
 * browser asks for credentials with its Digest/Basic prompt, and then sends
 * them with the page's own requests.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { HttpError, plainTextErrors } from './plain-errors.js'
import { PACKAGE_ROOT } from '../../common/package-root.js'

/** dist/web of the package (the same from src/ under tsx, dist/ and the bundled CLI). */
export const DEFAULT_WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web')

const FILES: Record<string, { file: string, type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.js.map': { file: 'app.js.map', type: 'application/json; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' }
}

export async function demoPageRoutes (app: FastifyInstance, opts: { webRoot?: string }): Promise<void> {
  const root = opts.webRoot ?? DEFAULT_WEB_ROOT
  await app.register(async (scope) => {
    plainTextErrors(scope)
    scope.addHook('onRequest', async (request) => {
      await app.vapixAuth.authenticate(request)
      app.vapixAuth.authorize(request, 'viewer')
    })
    for (const [url, { file, type }] of Object.entries(FILES)) {
      scope.get(url, { schema: { hide: true } }, async (_request, reply) => {
        let body: Buffer
        try {
          body = await readFile(join(root, file))
        } catch {
          throw new HttpError(404, `${file} not found: build the demo page with \`npm run build\``)
        }
        return reply
          .header('cache-control', 'no-cache')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
          .type(type)
          .send(body)
      })
    }
  })
}
