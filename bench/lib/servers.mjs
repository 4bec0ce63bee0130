/**
 * The HTTP servers measured with autocannon: a hello-world route (`GET /hello` answers
 * `{"hello":"world"}`) on Express 5 and Fastify 5, without auth (the ceiling) and behind each
 * authentication middleware, configured as its README shows for an RS256 JWKS.
 *
 * Every app answers 401 for a missing or rejected token; the bench counts any non-2xx answer
 * during a measured run and refuses the row if there is one.
 */
import { createAwsVerifier, createOurVerifier, testAgent } from './peers.mjs';

export const SERVERS = [
  {
    id: 'express-bare',
    framework: 'express',
    auth: false,
    label: 'plain Express 5 app, no bench modules in its process (reference for the ceiling)',
    worker: '../workers/bare-express.mjs',
  },
  { id: 'express-none', framework: 'express', auth: false, label: 'Express, no auth' },
  {
    id: 'express-noop',
    framework: 'express',
    auth: false,
    label: 'Express + empty async middleware (the floor for any async auth)',
  },
  { id: 'express-ours', framework: 'express', auth: true, label: '**Express + cognito-guard**' },
  {
    id: 'express-aws',
    framework: 'express',
    auth: true,
    label: 'Express + aws-jwt-verify (hand-written middleware)',
  },
  {
    id: 'express-jwt',
    framework: 'express',
    auth: true,
    label: 'Express + express-jwt + jwks-rsa',
  },
  {
    id: 'express-oauth2',
    framework: 'express',
    auth: true,
    label: 'Express + express-oauth2-jwt-bearer',
  },
  { id: 'fastify-none', framework: 'fastify', auth: false, label: 'Fastify, no auth' },
  {
    id: 'fastify-noop',
    framework: 'fastify',
    auth: false,
    label: 'Fastify + empty async onRequest hook (the floor for any async auth)',
  },
  { id: 'fastify-ours', framework: 'fastify', auth: true, label: '**Fastify + cognito-guard**' },
  {
    id: 'fastify-aws',
    framework: 'fastify',
    auth: true,
    label: 'Fastify + aws-jwt-verify (hand-written hook)',
  },
  { id: 'fastify-jwt-jwks', framework: 'fastify', auth: true, label: 'Fastify + fastify-jwt-jwks' },
];

/** Thrown when a server cannot be built yet (an adapter that has not landed). */
export class Unavailable extends Error {}

const HELLO = { hello: 'world' };

function bearer(header) {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

async function expressApp(id, ctx) {
  const express = (await import('express')).default;
  const app = express();
  if (id === 'express-bare') {
    // What workers/bare-express.mjs serves (the HTTP section runs that file instead, in a
    // process without the bench's modules); here for the smoke check and the profiler.
    app.get('/hello', (_req, res) => {
      res.json(HELLO);
    });
    return { listen: () => listenExpress(app) };
  }
  const answer = (_req, res) => {
    res.json(HELLO);
  };
  switch (id) {
    case 'express-none':
      break;
    case 'express-noop':
      // What any middleware that awaits something costs: one function and one microtask.
      app.use((_req, _res, next) => {
        Promise.resolve().then(() => next());
      });
      break;
    case 'express-ours': {
      // BENCH_EXPRESS: development aid, another build of the adapter (see CORE_MODULE).
      const adapter = await import(process.env.BENCH_EXPRESS ?? '@cognito-guard/express');
      if (typeof adapter.cognitoAuth !== 'function') {
        throw new Unavailable('@cognito-guard/express does not export cognitoAuth yet');
      }
      app.use(
        adapter.cognitoAuth({
          verifier: await createOurVerifier(ctx),
        }),
      );
      break;
    }
    case 'express-aws': {
      const verifier = await createAwsVerifier(ctx);
      app.use(async (req, res, next) => {
        const token = bearer(req.headers.authorization);
        if (token === undefined) {
          res.status(401).set('www-authenticate', 'Bearer').end();
          return;
        }
        try {
          req.auth = await verifier.verify(token);
        } catch {
          res.status(401).set('www-authenticate', 'Bearer error="invalid_token"').end();
          return;
        }
        next();
      });
      break;
    }
    case 'express-jwt': {
      const { expressjwt } = await import('express-jwt');
      const jwksRsa = (await import('jwks-rsa')).default;
      // The README's configuration, with the test CA.
      app.use(
        expressjwt({
          secret: jwksRsa.expressJwtSecret({
            jwksUri: ctx.jwksUri,
            cache: true,
            rateLimit: true,
            jwksRequestsPerMinute: 5,
            requestAgent: testAgent(ctx),
          }),
          algorithms: ['RS256'],
          issuer: ctx.issuer,
        }),
      );
      break;
    }
    case 'express-oauth2': {
      const { auth } = await import('express-oauth2-jwt-bearer');
      // `audience` is mandatory and checked against `aud`, which Cognito access tokens do not
      // carry. Its `validators` replace the check: no `aud`, `client_id` and `token_use` exact.
      app.use(
        auth({
          issuer: ctx.issuer,
          jwksUri: ctx.jwksUri,
          audience: ctx.clientId,
          tokenSigningAlg: 'RS256',
          agent: testAgent(ctx),
          validators: { aud: false, client_id: ctx.clientId, token_use: 'access' },
        }),
      );
      break;
    }
    default:
      throw new Error(`unknown server ${id}`);
  }
  app.get('/hello', answer);
  // Errors from the middlewares (401s) answered without Express's default stack-trace logging.
  app.use((err, _req, res, _next) => {
    res.status(err.status ?? err.statusCode ?? 500).end();
  });
  return { listen: () => listenExpress(app) };
}

function listenExpress(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (err) => {
      if (err) reject(err);
      else resolve({ port: server.address().port, close: () => closeServer(server) });
    });
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

async function fastifyApp(id, ctx) {
  const Fastify = (await import('fastify')).default;
  const app = Fastify({ logger: false });
  const routeOptions = {};
  switch (id) {
    case 'fastify-none':
      break;
    case 'fastify-noop':
      // What any async onRequest hook costs, before it does anything.
      app.addHook('onRequest', async () => {});
      break;
    case 'fastify-ours': {
      // BENCH_FASTIFY: development aid, another build of the adapter (see CORE_MODULE).
      const adapter = await import(process.env.BENCH_FASTIFY ?? '@cognito-guard/fastify');
      const plugin = adapter.cognitoGuard ?? adapter.default;
      if (typeof plugin !== 'function') {
        throw new Unavailable('@cognito-guard/fastify does not export its plugin yet');
      }
      await app.register(plugin, { verifier: await createOurVerifier(ctx) });
      break;
    }
    case 'fastify-aws': {
      const verifier = await createAwsVerifier(ctx);
      app.decorateRequest('auth', null);
      app.addHook('onRequest', async (request, reply) => {
        const token = bearer(request.headers.authorization);
        if (token === undefined) {
          return reply.code(401).header('www-authenticate', 'Bearer').send();
        }
        try {
          request.auth = await verifier.verify(token);
        } catch {
          return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send();
        }
      });
      break;
    }
    case 'fastify-jwt-jwks': {
      const fastifyJwtJwks = (await import('fastify-jwt-jwks')).default;
      // Uses Node's global fetch: the test CA comes from NODE_EXTRA_CA_CERTS.
      await app.register(fastifyJwtJwks, { jwksUrl: ctx.jwksUri, issuer: ctx.issuer });
      routeOptions.onRequest = [app.authenticate];
      break;
    }
    default:
      throw new Error(`unknown server ${id}`);
  }
  app.get('/hello', routeOptions, async () => HELLO);
  await app.ready();
  return {
    app,
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { port: app.server.address().port, close: () => app.close() };
    },
  };
}

/** Builds server `id`; `listen()` binds 127.0.0.1 on a free port. */
export function createApp(id, ctx) {
  const config = SERVERS.find((s) => s.id === id);
  if (config === undefined) throw new Error(`unknown server ${id}`);
  return config.framework === 'express' ? expressApp(id, ctx) : fastifyApp(id, ctx);
}
