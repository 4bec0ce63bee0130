import type { AddressInfo } from 'node:net';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import express5 from 'express';
import express4 from 'express4';
import type { Driver, DriverApp } from '../../../test/conformance/driver.js';
import { httpOutcome, sendHttp } from '../../../test/conformance/http-client.js';
import {
  cognitoAuth,
  guard,
  identityPoolAuth,
  requireGroups,
  requireIdentity,
  requireScopes,
} from '../src/index.js';

// An ordinary error handler: it only reads the error's own statusCode and headers.
const report: ErrorRequestHandler = (err, _req, res, _next) => {
  res
    .status(typeof err?.statusCode === 'number' ? err.statusCode : 500)
    .set(err?.headers ?? {})
    .json({ code: err?.code ?? null });
};

/** Serves `app` on 127.0.0.1, port 0, until `close()`. */
async function serve(app: Express): Promise<DriverApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    send: async (request) => httpOutcome(await sendHttp(port, request)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The conformance driver for Express: one app per case, real HTTP on 127.0.0.1. */
export function expressDriver(name: string, express: typeof express5): Driver {
  return {
    name,
    surface: 'http',
    modes: ['respond', 'pass-errors'],
    async start({ verifier, routes, realm, mode }): Promise<DriverApp> {
      const app = express();
      const passErrors = mode === 'pass-errors';
      const required = cognitoAuth({ verifier, realm, passErrors });
      const optional = cognitoAuth({ verifier, realm, passErrors, optional: true });
      for (const route of routes) {
        const handlers: RequestHandler[] = [route.auth === 'optional' ? optional : required];
        if (route.scopes !== undefined) handlers.push(requireScopes(...route.scopes));
        if (route.groups !== undefined) handlers.push(requireGroups(...route.groups));
        if (route.policy !== undefined) handlers.push(guard(route.policy));
        app.get(route.path, ...handlers, (req, res) => {
          res.json({ sub: req.auth?.sub ?? null });
        });
      }
      app.use(report);
      return serve(app);
    },
    // Identity-pool OpenID tokens: `identityPoolAuth` and `requireIdentity`.
    async startIdentity({ identityPool, routes, realm, mode }): Promise<DriverApp> {
      const app = express();
      const passErrors = mode === 'pass-errors';
      const required = identityPoolAuth({ identityPool, realm, passErrors });
      const optional = identityPoolAuth({ identityPool, realm, passErrors, optional: true });
      for (const route of routes) {
        const handlers: RequestHandler[] = [route.auth === 'optional' ? optional : required];
        if (route.policy !== undefined) handlers.push(requireIdentity(route.policy));
        app.get(route.path, ...handlers, (req, res) => {
          res.json({ sub: req.identity?.identityId ?? null });
        });
      }
      app.use(report);
      return serve(app);
    },
  };
}

export const express4Driver = expressDriver('express 4', express4);
export const express5Driver = expressDriver('express 5', express5);
