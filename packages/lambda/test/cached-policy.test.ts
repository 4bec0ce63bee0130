import {
  type AuthResult,
  allOf,
  checkPolicy,
  createVerifier,
  type Policy,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
  type Verifier,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpApiAuthorizer,
  createRestRequestAuthorizer,
  createRestTokenAuthorizer,
  type DefaultPolicy,
  evaluatePolicy,
  type RestRequestAuthorizerEvent,
  type RestTokenAuthorizerEvent,
  type RouteRule,
  type RouteRules,
} from '../src/index.js';
import { eventLog, fixture, iamAllows } from './helpers.js';

/**
 * The result cache keys on the token, not the route: API Gateway evaluates the policy cached
 * for the first route against every later request made with the same token (SECURITY.md,
 * decision 13). So the policy computed on the first route must allow exactly the routes the
 * principal's claims satisfy, on every route; checked here with the tests' own IAM matcher.
 */

let issuer: TestIssuer;
let verifier: Verifier<'access'>;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-gov-west-1_GovPool1' });
  verifier = createVerifier({
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access',
    jwksUri: issuer.jwksUri,
  });
});

afterAll(async () => {
  await issuer?.close();
});

const PREFIX = 'arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:a1b2c3d4e5/v1/';
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const RULES: RouteRules = {
  'GET /': 'authenticated',
  'GET /orders': requireScopes('orders/read'),
  'POST /orders': requireScopes('orders/write'),
  'GET /orders/{id}': requireScopes('orders/read'),
  'DELETE /orders/{id}': requireGroups('admin'),
  'GET /orders/{id}/invoice': requireGroups({ anyOf: ['admin', 'billing'] }),
  'POST /orders/{id}/refund': allOf(requireGroups('billing'), requireScopes('orders/write')),
  'ANY /admin/{proxy+}': requireGroups('admin'),
  // Overlapped by ANY /admin/{proxy+}: rules are cumulative, so this one also needs admin.
  'GET /admin/health': 'authenticated',
  'GET /public/*': 'authenticated',
  'PUT /profile': requireUser(),
  'GET /reports/*': requireClient(),
  'POST /items:batch-archive': requireGroups('admin'),
  'GET /legacy': 'deny',
};

/** Concrete requests: one per rule (wildcards filled, some deeper than one segment), and unlisted ones. */
const REQUESTS: readonly string[] = [
  'GET/',
  'GET/orders',
  'POST/orders',
  'GET/orders/o-1',
  'DELETE/orders/o-1',
  'GET/orders/o-1/invoice',
  'POST/orders/o-1/refund',
  'GET/admin/users',
  'DELETE/admin/users/u-1',
  'GET/admin/health',
  'GET/public/logo.png',
  'GET/public/css/site.css',
  'PUT/profile',
  'GET/reports/2024/q1',
  'POST/items:batch-archive',
  'GET/legacy',
  // Not listed: the default policy decides.
  'GET/unlisted',
  'PATCH/orders',
  'POST/public/upload',
  'DELETE/profile',
  // Verbs no rule can name, not even ANY.
  'PROPFIND/admin/users',
  'TRACE/admin/users',
  'PROPFIND/unlisted',
];

/**
 * The documented semantics, implemented independently of the package: a rule key matches a
 * request when its IAM pattern does (`{x}`, `{x+}` and `*` are `*`, which crosses `/`; ANY is
 * the seven verbs); every matching rule must pass; no match means the default policy. A verb
 * outside the seven needs every rule and the default to pass.
 */
function expected(rules: RouteRules, fallback: DefaultPolicy, auth: AuthResult, request: string) {
  const passes = (rule: RouteRule | DefaultPolicy) =>
    rule === 'authenticated' ? true : rule === 'deny' ? false : !checkPolicy(rule, auth);
  if (!VERBS.includes(request.slice(0, request.indexOf('/')))) {
    return Object.values(rules).every(passes) && passes(fallback);
  }
  const matching = Object.entries(rules).filter(([key]) => {
    const [method, path] = key.split(' ') as [string, string];
    const methods = method === 'ANY' ? VERBS : [method];
    const body = path
      .split('/')
      .map((s) =>
        s === '*' || /^\{.+\}$/.test(s) ? '.*' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    return methods.some((m) => new RegExp(`^${m}${body}$`).test(request));
  });
  if (matching.length === 0) return passes(fallback);
  return matching.every(([, rule]) => passes(rule));
}

function tokenEvent(token: string, request: string): RestTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: `${PREFIX}${request}` };
}

interface Principal {
  readonly name: string;
  readonly mint: () => Promise<string>;
}

const PRINCIPALS: readonly Principal[] = [
  { name: 'a reader', mint: () => issuer.mintAccessToken({ scopes: ['orders/read'] }) },
  {
    name: 'a writer',
    mint: () => issuer.mintAccessToken({ scopes: ['orders/read', 'orders/write'] }),
  },
  { name: 'an admin', mint: () => issuer.mintAccessToken({ groups: ['admin'] }) },
  {
    name: 'billing with write scope',
    mint: () => issuer.mintAccessToken({ groups: ['billing'], scopes: ['orders/write'] }),
  },
  {
    name: 'billing without write scope',
    mint: () => issuer.mintAccessToken({ groups: ['billing'] }),
  },
  {
    name: 'a machine client',
    mint: () => issuer.mintClientCredentialsToken({ scopes: ['orders/read'] }),
  },
  { name: 'a user with nothing', mint: () => issuer.mintAccessToken({ scopes: [] }) },
];

describe('the cached policy', () => {
  for (const fallback of ['deny', 'authenticated', requireUser()] as const) {
    const label = typeof fallback === 'function' ? 'a policy' : fallback;

    it.each(PRINCIPALS)(
      `allows exactly the routes $name may call, on every route (default: ${label})`,
      async ({ mint }) => {
        const token = await mint();
        const auth = await verifier.verify(token);
        const handler = createRestTokenAuthorizer({
          verifier,
          routes: RULES,
          defaultPolicy: fallback,
        });
        // The policy API Gateway caches is the one computed for the first route called...
        const first = await handler(tokenEvent(token, REQUESTS[0]!));
        for (const request of REQUESTS) {
          // ...and it must give, for every other route, the answer the claims give.
          expect(iamAllows(first.policyDocument, `${PREFIX}${request}`), request).toBe(
            expected(RULES, fallback, auth, request),
          );
          // The package's own evaluator agrees with the tests' matcher.
          expect(evaluatePolicy(first.policyDocument, `${PREFIX}${request}`) === 'allow').toBe(
            expected(RULES, fallback, auth, request),
          );
          // Whatever route comes first, the policy is the same: nothing depends on the route.
          const again = await handler(tokenEvent(token, request));
          expect(again.policyDocument).toEqual(first.policyDocument);
        }
      },
    );
  }

  it('holds for random claims and random rule sets', async () => {
    const tokens = new Map<string, { token: string; auth: AuthResult }>();
    const groupNames = ['a', 'b', 'c'];
    const groupSets = [[], ['a'], ['b'], ['a', 'b'], ['a', 'b', 'c'], ['c']];
    for (const groups of groupSets) {
      const token = await issuer.mintAccessToken({ groups });
      tokens.set(groups.join(','), { token, auth: await verifier.verify(token) });
    }
    const segment = fc.constantFrom('x', 'y', '*', '{id}');
    const path = fc.array(segment, { minLength: 0, maxLength: 3 }).map((s) => `/${s.join('/')}`);
    const key = fc.tuple(fc.constantFrom('GET', 'POST', 'ANY'), path).map(([m, p]) => `${m} ${p}`);
    const rule = fc.oneof(
      fc.constantFrom<RouteRule>('authenticated', 'deny'),
      fc.constantFrom(...groupNames).map((g) => requireGroups(g) as RouteRule),
    );
    const requestPath = fc
      .array(fc.constantFrom('x', 'y', 'z'), { maxLength: 4 })
      .map((s) => s.join('/'));
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, rule, { minKeys: 1, maxKeys: 6 }),
        fc.constantFrom<DefaultPolicy>('deny', 'authenticated'),
        fc.constantFrom(...groupSets.map((g) => g.join(','))),
        fc.array(fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'PROPFIND'), requestPath), {
          minLength: 1,
          maxLength: 8,
        }),
        async (rules, fallback, who, requests) => {
          const { token, auth } = tokens.get(who)!;
          const handler = createRestTokenAuthorizer({
            verifier,
            routes: rules,
            defaultPolicy: fallback,
          });
          const { policyDocument } = await handler(tokenEvent(token, 'GET/'));
          for (const [verb, p] of requests) {
            const request = `${verb}/${p}`;
            expect(iamAllows(policyDocument, `${PREFIX}${request}`)).toBe(
              expected(rules, fallback, auth, request),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports the route that refused the current request', async () => {
    const log = eventLog();
    const handler = createRestTokenAuthorizer({ verifier, routes: RULES, onEvent: log.onEvent });
    const token = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    await handler(tokenEvent(token, 'DELETE/orders/o-1'));
    await handler(tokenEvent(token, 'GET/orders/o-1'));
    await handler(tokenEvent(token, 'GET/unlisted'));
    expect(log.events).toEqual([
      expect.objectContaining({
        type: 'deny',
        code: 'GROUP_NOT_ALLOWED',
        route: 'DELETE /orders/{id}',
      }),
      expect.objectContaining({ type: 'allow' }),
      expect.objectContaining({ type: 'deny', code: 'CLAIM_CHECK', route: undefined }),
    ]);
  });

  it('keeps the same guarantee in the REQUEST and HTTP API IAM authorizers', async () => {
    const token = await issuer.mintAccessToken({ groups: ['admin'] });
    const auth = await verifier.verify(token);
    const rest = createRestRequestAuthorizer({ verifier, routes: RULES });
    const base = fixture<RestRequestAuthorizerEvent>('apigw-rest-request-authorizer.json');
    const restResult = await rest({
      ...base,
      methodArn: `${PREFIX}GET/orders`,
      headers: { Authorization: `Bearer ${token}` },
      multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    });
    const http = createHttpApiAuthorizer({ response: 'iam', verifier, routes: RULES });
    const httpResult = await http({
      ...fixture<Record<string, unknown>>('apigw-http-v2-authorizer.json'),
      routeArn: `${PREFIX}GET/orders`,
      headers: { authorization: `Bearer ${token}` },
      identitySource: [`Bearer ${token}`],
    } as never);
    for (const request of REQUESTS) {
      const want = expected(RULES, 'deny', auth, request);
      expect(iamAllows(restResult.policyDocument, `${PREFIX}${request}`), request).toBe(want);
      expect(iamAllows(httpResult.policyDocument, `${PREFIX}${request}`), request).toBe(want);
    }
  });
});

describe('the policy for a large rule set', () => {
  const groups = Array.from({ length: 10 }, (_, i) => `group-${i}`);
  const large: Record<string, Policy> = {};
  for (let i = 0; i < 200; i += 1) {
    const verb = VERBS[i % 5]!;
    large[`${verb} /service-${String(i).padStart(3, '0')}/resources/{id}`] = requireGroups(
      groups[i % 10]!,
    );
  }
  const requests = Object.keys(large).map((key) => {
    const [verb, path] = key.split(' ') as [string, string];
    return `${verb}${path.replace('{id}', 'r-1/child')}`;
  });

  it.each([
    ['one group', ['group-3']],
    ['half the groups', groups.slice(0, 5)],
    ['every group', groups],
  ])('stays within the limits and exact for %s', async (_, held) => {
    const token = await issuer.mintAccessToken({ groups: held });
    const auth = await verifier.verify(token);
    for (const fallback of ['deny', 'authenticated'] as const) {
      const handler = createRestTokenAuthorizer({
        verifier,
        routes: large,
        defaultPolicy: fallback,
      });
      const { policyDocument } = await handler(tokenEvent(token, requests[0]!));
      // Consolidated: one Allow statement and at most one Deny statement, Resource arrays.
      expect(policyDocument.Statement.length).toBeLessThanOrEqual(2);
      const resources = policyDocument.Statement.flatMap((s) =>
        'Resource' in s && s.Resource !== undefined ? [s.Resource].flat() : [],
      );
      for (const resource of resources) expect(resource.length).toBeLessThanOrEqual(512);
      // 200 routes stay far below Lambda's 6 MB response limit.
      expect(JSON.stringify(policyDocument).length).toBeLessThan(40_000);
      for (const request of [...requests, 'GET/unlisted']) {
        expect(iamAllows(policyDocument, `${PREFIX}${request}`), request).toBe(
          expected(large, fallback, auth, request),
        );
      }
    }
  });
});
