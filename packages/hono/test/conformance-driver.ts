import { Hono, type MiddlewareHandler } from 'hono';
import type { Driver, DriverApp, DriverStartOptions } from '../../../test/conformance/driver.js';
import { httpOutcome, sendHttp } from '../../../test/conformance/http-client.js';
import {
  type CognitoAuthEnv,
  CognitoAuthException,
  cognitoAuth,
  guard,
  requireGroups,
  requireScopes,
} from '../src/index.js';
import { listen } from './helpers.js';

function tableApp({ verifier, routes, realm, mode }: DriverStartOptions): Hono<CognitoAuthEnv> {
  const app = new Hono<CognitoAuthEnv>();
  const passErrors = mode === 'pass-errors';
  const required = cognitoAuth({ verifier, realm, passErrors });
  const optional = cognitoAuth({ verifier, realm, passErrors, optional: true });
  for (const route of routes) {
    const handlers: MiddlewareHandler<CognitoAuthEnv>[] = [
      route.auth === 'optional' ? optional : required,
    ];
    if (route.scopes !== undefined) handlers.push(requireScopes(...route.scopes));
    if (route.groups !== undefined) handlers.push(requireGroups(...route.groups));
    if (route.policy !== undefined) handlers.push(guard(route.policy));
    // `use` with a path without a wildcard runs for that path only, in the order given.
    for (const handler of handlers) app.use(route.path, handler);
    app.get(route.path, (c) => c.json({ sub: c.get('auth')?.sub ?? null }));
  }
  // An ordinary error handler: it only reads the exception's own status, headers and code.
  app.onError((err, c) =>
    err instanceof CognitoAuthException
      ? c.json({ code: err.code }, err.status, err.headers)
      : c.json({ code: null }, 500),
  );
  return app;
}

/** The conformance driver for Hono on @hono/node-server: one app per case, real HTTP. */
export const honoNodeDriver: Driver = {
  name: 'hono (node-server)',
  surface: 'http',
  modes: ['respond', 'pass-errors'],
  async start(options): Promise<DriverApp> {
    const running = await listen(tableApp(options));
    return {
      send: async (request) => httpOutcome(await sendHttp(running.port, request)),
      close: () => running.close(),
    };
  },
};

/**
 * The same app called through `app.fetch` with a Fetch `Request`, as Bun, Deno and Workers
 * call it: no Node request, so the middleware reads the Fetch headers (where repeated
 * `Authorization` fields arrive joined by ", ").
 */
export const honoFetchDriver: Driver = {
  name: 'hono (fetch)',
  surface: 'http',
  modes: ['respond', 'pass-errors'],
  async start(options): Promise<DriverApp> {
    const app = tableApp(options);
    return {
      async send(request) {
        const headers = new Headers();
        for (const [name, value] of request.headers) headers.append(name, value);
        const response = await app.fetch(
          new Request(`http://127.0.0.1${request.path}`, { method: request.method, headers }),
        );
        const answerHeaders: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          answerHeaders[name] = value;
        });
        return httpOutcome({
          status: response.status,
          headers: answerHeaders,
          text: await response.text(),
        });
      },
      close: async () => {},
    };
  },
};
