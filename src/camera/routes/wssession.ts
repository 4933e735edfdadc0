/**
 * `GET /axis-cgi/wssession.cgi` (authenticated, viewer and up): a one-time
 * token for opening `/vapix/ws-data-stream?wssession=<token>` — for clients,
 * like browsers, that cannot put credentials on a WebSocket handshake.
 * Decision (overlay-stream.md): text/plain, a decimal string, valid 15 s.
 */
import type { FastifyInstance } from 'fastify'
import type { SessionTokens } from '../../overlay/tokens.js'
import type { User } from '../../vapix/users.js'
import { plainTextErrors } from './plain-errors.js'

export async function wsSessionRoutes (app: FastifyInstance, opts: { tokens: SessionTokens }): Promise<void> {
  const { tokens } = opts
  await app.register(async (scope) => {
    plainTextErrors(scope)
    scope.route({
      method: 'GET',
      url: '/axis-cgi/wssession.cgi',
      onRequest: async (request) => {
        await app.vapixAuth.authenticate(request)
        app.vapixAuth.authorize(request, 'viewer')
      },
      handler: async (request, reply) => reply
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(tokens.issue(request.vapixUser as User))
    })
  })
}
