import { createVerifier } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaDriver } from '../../packages/lambda/test/conformance-driver.js';
import { CASES, type CaseContext, expectedOutcome, REALM, ROUTES } from './cases.js';
import type { DriverRequest } from './driver.js';

/**
 * The shared conformance table against the API Gateway authorizers: REST TOKEN, REST REQUEST,
 * HTTP API with simple responses and HTTP API with IAM policies, each handler invoked directly
 * with the event API Gateway would build for the request.
 *
 * `run.ts` runs every case; a few describe what a Lambda authorizer never sees or cannot do, so
 * this file runs the same loop with those skipped (and says why), and checks the exact AuthError
 * code of every refusal, which the authorizers report through `onEvent`.
 */
const NO_OPTIONAL_MODE =
  'an authorizer has no optional mode: API Gateway answers 401 itself when the identity source is missing';

const NOT_APPLICABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  common: {
    'lets a request without a token through an optional route with no auth': NO_OPTIONAL_MODE,
    'lets another scheme through an optional route with no auth': NO_OPTIONAL_MODE,
  },
  'rest-token': {
    'answers 400 to a token in the header and in the query':
      'a TOKEN authorizer receives the token-source header value only, never the query string',
    'treats a query-only token as no credentials while query tokens are off':
      'a TOKEN authorizer receives the token-source header value only, never the query string',
  },
};

let current = Math.floor(Date.now() / 1000) * 1000;
const clock: CaseContext['clock'] = {
  now: () => current,
  advance: (seconds) => {
    current += seconds * 1000;
  },
};
let issuer: TestIssuer;
let otherIssuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_Conform1', clock: clock.now });
  otherIssuer = await createTestIssuer({ userPoolId: 'us-east-1_Conform2', clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
  await otherIssuer?.close();
});

for (const kind of ['rest-token', 'rest-request', 'http-api-simple', 'http-api-iam'] as const) {
  const driver = lambdaDriver(kind);
  const skipped = { ...NOT_APPLICABLE.common, ...NOT_APPLICABLE[kind] };

  describe(`${driver.name} conformance`, () => {
    it('covers every case of the table, or names why not', () => {
      const names = new Set(CASES.map((c) => c.name));
      for (const name of Object.keys(skipped)) expect(names.has(name), name).toBe(true);
    });

    for (const c of CASES) {
      const reason = skipped[c.name];
      const title = reason === undefined ? c.name : `${c.name} (not applicable: ${reason})`;
      it.skipIf(reason !== undefined)(title, async () => {
        const verifier = createVerifier({
          userPoolId: issuer.userPoolId,
          clientId: issuer.clientId,
          tokenUse: 'access',
          jwksUri: issuer.jwksUri,
          clock: clock.now,
        });
        const ctx: CaseContext = { issuer, otherIssuer, verifier, clock };
        let app: Awaited<ReturnType<typeof driver.start>> | undefined;
        try {
          await c.arrange?.(ctx);
          app = await driver.start({ verifier, routes: ROUTES, realm: REALM, mode: 'respond' });
          const planned = await c.request(ctx);
          const request: DriverRequest = {
            method: 'GET',
            path: planned.query === undefined ? planned.path : `${planned.path}?${planned.query}`,
            headers: planned.headers ?? [],
          };
          const outcome = await app.send(request);

          expect(outcome.kind, 'outcome').toBe(expectedOutcome(driver.surface, c.code));
          expect(outcome.code, 'AuthError code').toBe(c.code ?? undefined);
          if (c.code === null && c.http.sub !== undefined) {
            expect(outcome.handlerSawSub, 'principalId / context.sub').toBe(c.http.sub);
          }
          // R34/R35: the answer never carries the token, or any part of it.
          const text = [request.path, ...request.headers.map(([, value]) => value)].join('\n');
          for (const token of text.match(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g) ?? []) {
            for (const part of token.split('.').filter((p) => p.length > 8)) {
              expect(outcome.text ?? '').not.toContain(part);
            }
          }
        } finally {
          await app?.close();
          await c.restore?.(ctx);
        }
      });
    }
  });
}
