import { anyOf, createVerifier, requireGroups, requireScopes } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cognitoAuth, guard } from '../src/index.js';
import { bearer, EXPRESS_VERSIONS, listen, type Running } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_ExpressMix', clock });
});

afterAll(async () => {
  await issuer?.close();
});

describe.each(EXPRESS_VERSIONS)('a core policy in a middleware slot (%s)', (_name, express) => {
  let running: Running | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /**
   * `GET /` behind cognitoAuth and `slot`; the error handler reports what reached it. The
   * policy is cast: it does not compile there, which is the point of the type test.
   */
  async function start(slot: unknown, mount: 'route' | 'use') {
    const errors: unknown[] = [];
    let handled = 0;
    const app = express();
    app.set('env', 'production');
    app.use(
      cognitoAuth({
        verifier: createVerifier({
          userPoolId: issuer.userPoolId,
          clientId: issuer.clientId,
          tokenUse: 'access',
          jwksUri: issuer.jwksUri,
          clock,
        }),
      }),
    );
    const ok: RequestHandler = (_req, res) => {
      handled += 1;
      res.json({ ok: true });
    };
    if (mount === 'use') {
      app.use(slot as RequestHandler);
      app.get('/', ok);
    } else {
      app.get('/', slot as RequestHandler, ok);
    }
    const report: ErrorRequestHandler = (err, _req, res, _next) => {
      errors.push(err);
      res.status(500).json({ name: err?.name ?? null });
    };
    app.use(report);
    running = await listen(app);
    return { running, errors, handled: () => handled };
  }

  it('throws a TypeError naming the mistake at the first request, instead of answering 403', async () => {
    const app = await start(requireScopes('orders/read'), 'route');
    // The token holds the scope: the old behaviour refused it anyway, with a 403 stack page.
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    const answer = await app.running.get('/', [bearer(token)]);
    expect(answer.status).toBe(500);
    expect(app.handled()).toBe(0);
    expect(app.errors).toHaveLength(1);
    const err = app.errors[0] as Error;
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toContain('requireScopes() from @cognito-guard/core is a policy');
    expect(err.message).toContain('@cognito-guard/express');
    expect(err.message).not.toContain(token);
  });

  it('throws the TypeError for combinators given to app.use as well', async () => {
    const app = await start(anyOf(requireGroups('admin'), requireScopes('x')), 'use');
    const answer = await app.running.get('/', [bearer(await issuer.mintAccessToken())]);
    expect(answer.status).toBe(500);
    expect(app.handled()).toBe(0);
    expect((app.errors[0] as Error).message).toContain('anyOf() from @cognito-guard/core');
  });

  it('works once wrapped with guard()', async () => {
    const app = await start(guard(requireScopes('orders/read')), 'route');
    const allowed = await app.running.get('/', [
      bearer(await issuer.mintAccessToken({ scopes: ['orders/read'] })),
    ]);
    expect(allowed.status).toBe(200);
    const refused = await app.running.get('/', [bearer(await issuer.mintAccessToken())]);
    expect(refused.status).toBe(403);
    expect(app.errors).toEqual([]);
  });
});
