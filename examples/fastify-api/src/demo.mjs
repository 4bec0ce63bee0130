// `pnpm demo --fastify`: the orders API on Fastify with the testing kit's local issuer standing
// in for Cognito. The scenario (tokens, requests, expected answers) is shared with the Express
// example in ../../demo-scenario.mjs; this file only says how Fastify listens.
import { createDemoRunner, HOST } from '../../demo-scenario.mjs';
import { createApp } from './app.mjs';

export const runDemo = createDemoRunner({
  adapter: '@cognito-guard/fastify',
  async listen(verifier, port) {
    const app = await createApp({ verifier });
    try {
      await app.listen({ port, host: HOST });
    } catch (err) {
      // Only when a port was asked for: take a free one instead of failing.
      if (err.code !== 'EADDRINUSE' || port === 0) throw err;
      await app.listen({ port: 0, host: HOST });
    }
    return { port: app.server.address().port, close: () => app.close() };
  },
});
