// `pnpm demo`: the orders API on Express with the testing kit's local issuer standing in for
// Cognito. The scenario (tokens, requests, expected answers) is shared with the Fastify example
// in ../../demo-scenario.mjs; this file only says how Express listens, and adds POST /sign-out
// with an in-memory revocation list.
import { createRevocationList } from '@cognito-guard/revocation';
import { createCognitoSignOut } from '@cognito-guard/revocation/cognito';
import { createDemoRunner, HOST } from '../../demo-scenario.mjs';
import { createApp } from './app.mjs';

/** Listens on `port`, or on a free port when that one is taken (only when a port was asked for). */
function listen(app, port) {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, HOST);
    server.once('listening', () => resolve(server));
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE' && port !== 0) listen(app, 0).then(resolve, reject);
      else reject(err);
    });
  });
}

/**
 * The local issuer has no Cognito API behind it: this stand-in accepts the helper's sign-out
 * calls (GlobalSignOut, RevokeToken) and does nothing, so the route runs the same code as in
 * src/server.mjs. Against a real pool, pass a `CognitoIdentityProviderClient` instead.
 */
const localCognito = {
  async send() {
    return {};
  },
};

export const runDemo = createDemoRunner({
  adapter: '@cognito-guard/express',
  revocations: () => createRevocationList(),
  async listen(verifier, port, revocations) {
    const signOut = createCognitoSignOut({ client: localCognito, list: revocations });
    const server = await listen(createApp({ verifier, signOut }), port);
    return {
      port: server.address().port,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  },
});
