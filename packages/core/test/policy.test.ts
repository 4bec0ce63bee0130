import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/errors.js';
import {
  allOf,
  anyOf,
  checkPolicy,
  isCorePolicy,
  type Policy,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from '../src/policy.js';
import type { AuthResult } from '../src/verifier.js';

// Policies are pure functions of a verified result: plain objects stand in for one here.
function auth(
  overrides: Partial<AuthResult> & { claims?: Record<string, unknown> } = {},
): AuthResult {
  return {
    claims: {
      sub: 'u1',
      token_use: 'access',
      client_id: 'c1',
      'custom:tenant': 'acme',
      ...overrides.claims,
    },
    tokenUse: 'access',
    userPoolId: 'us-east-1_Example',
    clientId: 'c1',
    sub: 'u1',
    username: 'alice',
    scopes: ['orders/read'],
    groups: ['readers'],
    isMachine: false,
    expiresAt: 2_000_000_000,
    ...overrides,
  } as AuthResult;
}

function codeOf(policy: Policy, result: AuthResult): string | undefined {
  return checkPolicy(policy, result)?.code;
}

describe('requireScopes', () => {
  it('allows when every listed scope is held', () => {
    expect(codeOf(requireScopes('a', 'b'), auth({ scopes: ['b', 'a', 'c'] }))).toBeUndefined();
  });

  it('refuses with INSUFFICIENT_SCOPE and names what was required', () => {
    const err = checkPolicy(requireScopes('orders/write'), auth());
    expect(err?.code).toBe('INSUFFICIENT_SCOPE');
    expect(err?.requiredScopes).toEqual(['orders/write']);
  });

  it('does not accept a scope that is a prefix of the required one', () => {
    expect(codeOf(requireScopes('orders/readwrite'), auth({ scopes: ['orders/read'] }))).toBe(
      'INSUFFICIENT_SCOPE',
    );
  });

  it('compares scopes case-sensitively', () => {
    expect(codeOf(requireScopes('Orders/Read'), auth())).toBe('INSUFFICIENT_SCOPE');
  });

  it('supports anyOf and noneOf', () => {
    expect(codeOf(requireScopes({ anyOf: ['x', 'orders/read'] }), auth())).toBeUndefined();
    expect(codeOf(requireScopes({ anyOf: ['x', 'y'] }), auth())).toBe('INSUFFICIENT_SCOPE');
    expect(codeOf(requireScopes({ noneOf: ['orders/read'] }), auth())).toBe('INSUFFICIENT_SCOPE');
  });

  it.each([
    ['no scope', []],
    ['an empty scope', ['']],
    ['a scope with a space', ['a b']],
    ['a scope with a quote', ['a"b']],
  ])('throws a TypeError at creation for %s', (_name, scopes) => {
    expect(() => requireScopes(...(scopes as string[]))).toThrow(TypeError);
  });
});

describe('requireGroups', () => {
  it('allows members and refuses others with GROUP_NOT_ALLOWED', () => {
    expect(codeOf(requireGroups('readers'), auth())).toBeUndefined();
    expect(codeOf(requireGroups('admin'), auth())).toBe('GROUP_NOT_ALLOWED');
  });

  it('needs every positional group (all of)', () => {
    expect(codeOf(requireGroups('readers', 'admin'), auth())).toBe('GROUP_NOT_ALLOWED');
    expect(
      codeOf(requireGroups('readers', 'admin'), auth({ groups: ['admin', 'readers'] })),
    ).toBeUndefined();
  });

  it('supports anyOf, allOf and noneOf together', () => {
    const rule = requireGroups({ anyOf: ['admin', 'support'], noneOf: ['suspended'] });
    expect(codeOf(rule, auth({ groups: ['support'] }))).toBeUndefined();
    expect(codeOf(rule, auth({ groups: ['support', 'suspended'] }))).toBe('GROUP_NOT_ALLOWED');
    expect(codeOf(rule, auth({ groups: [] }))).toBe('GROUP_NOT_ALLOWED');
  });

  it('does not match groups by prefix or case', () => {
    expect(codeOf(requireGroups('admin'), auth({ groups: ['admins', 'Admin'] }))).toBe(
      'GROUP_NOT_ALLOWED',
    );
  });
});

describe('requireClaims', () => {
  it('runs a predicate and refuses with CLAIM_CHECK', () => {
    expect(
      codeOf(
        requireClaims((a) => a.claims['custom:tenant'] === 'acme'),
        auth(),
      ),
    ).toBeUndefined();
    expect(
      codeOf(
        requireClaims((a) => a.claims['custom:tenant'] === 'other'),
        auth(),
      ),
    ).toBe('CLAIM_CHECK');
  });

  it('treats a throwing predicate as a refusal', () => {
    const policy = requireClaims(() => {
      throw new Error('boom');
    });
    expect(codeOf(policy, auth())).toBe('CLAIM_CHECK');
  });

  it('matches an object of exact claim values, own properties only', () => {
    expect(codeOf(requireClaims({ 'custom:tenant': 'acme' }), auth())).toBeUndefined();
    expect(codeOf(requireClaims({ 'custom:tenant': 'ACME' }), auth())).toBe('CLAIM_CHECK');
    expect(codeOf(requireClaims({ toString: 'x' }), auth())).toBe('CLAIM_CHECK');
  });
});

describe('requireUser and requireClient', () => {
  const machine = auth({ isMachine: true, username: undefined, clientId: 'svc', sub: 'svc' });

  it('tells user tokens from client-credentials tokens', () => {
    expect(codeOf(requireUser(), auth())).toBeUndefined();
    expect(codeOf(requireUser(), machine)).toBe('CLAIM_CHECK');
    expect(codeOf(requireClient(), machine)).toBeUndefined();
    expect(codeOf(requireClient(), auth())).toBe('CLAIM_CHECK');
  });

  it('limits requireClient to the listed clients', () => {
    expect(codeOf(requireClient('svc'), machine)).toBeUndefined();
    expect(codeOf(requireClient('other'), machine)).toBe('CLAIM_CHECK');
  });
});

describe('allOf and anyOf', () => {
  it('allOf answers with the first refusal', () => {
    expect(codeOf(allOf(requireGroups('readers'), requireScopes('x')), auth())).toBe(
      'INSUFFICIENT_SCOPE',
    );
    expect(
      codeOf(allOf(requireGroups('readers'), requireScopes('orders/read')), auth()),
    ).toBeUndefined();
  });

  it('anyOf allows when one holds and answers with the first refusal otherwise', () => {
    expect(
      codeOf(anyOf(requireGroups('admin'), requireScopes('orders/read')), auth()),
    ).toBeUndefined();
    expect(codeOf(anyOf(requireGroups('admin'), requireScopes('x')), auth())).toBe(
      'GROUP_NOT_ALLOWED',
    );
  });

  it('refuses empty compositions at creation', () => {
    expect(() => allOf()).toThrow(TypeError);
    expect(() => anyOf()).toThrow(TypeError);
  });

  it('checkPolicy wraps a non-AuthError throw as CLAIM_CHECK', () => {
    const err = checkPolicy(() => {
      throw new Error('bug');
    }, auth());
    expect(err).toBeInstanceOf(AuthError);
    expect(err?.code).toBe('CLAIM_CHECK');
  });
});

describe('policies called as a middleware', () => {
  const policies: readonly [string, Policy][] = [
    ['requireScopes', requireScopes('a')],
    ['requireGroups', requireGroups('a')],
    ['requireClaims', requireClaims({ sub: 'u1' })],
    ['requireUser', requireUser()],
    ['requireClient', requireClient()],
    ['allOf', allOf(requireUser())],
    ['anyOf', anyOf(requireUser())],
  ];

  it.each(policies)(
    '%s throws a TypeError naming itself when called with (req, res, next)',
    (name, policy) => {
      const call = policy as unknown as (...args: unknown[]) => void;
      const req = { headers: {}, url: '/' };
      expect(() => call(req, {}, () => {})).toThrow(TypeError);
      expect(() => call(req, {}, () => {})).toThrow(
        `${name}() from @cognito-guard/core is a policy`,
      );
    },
  );

  it('throws the TypeError for a verified result followed by a second argument', () => {
    const call = requireUser() as unknown as (...args: unknown[]) => void;
    expect(() => call(auth(), {})).toThrow(TypeError);
  });

  it('throws the TypeError for an argument that is not a verified result', () => {
    const call = requireUser() as unknown as (arg: unknown) => void;
    for (const arg of [undefined, null, 'token', { sub: 'u1' }]) {
      expect(() => call(arg)).toThrow(TypeError);
    }
  });

  it('turns a misuse inside checkPolicy into a refusal, never an allow', () => {
    const err = checkPolicy(requireUser(), { sub: 'u1' } as unknown as AuthResult);
    expect(err?.code).toBe('CLAIM_CHECK');
  });

  it('marks the policies of core, and only them, for adapters to recognise', () => {
    for (const [, policy] of policies) expect(isCorePolicy(policy)).toBe(true);
    expect(isCorePolicy((_auth: AuthResult) => {})).toBe(false);
    expect(isCorePolicy(undefined)).toBe(false);
    expect(isCorePolicy({})).toBe(false);
  });
});
