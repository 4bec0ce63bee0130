import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  authResultFromClaims,
  checkPolicy,
  createGuards,
  guardRefusal,
  notifyHook,
  refusal,
  renamedOption,
  toHttpDenial,
  tokenFromRaw,
  toVerifier,
  userPoolOfIssuer,
  verifierClock,
} from '../src/http.js';
import {
  AuthError,
  type Policy,
  requireClaims,
  requireGroups,
  requireScopes,
} from '../src/index.js';
import type { AuthResult } from '../src/verifier.js';

const POOL = 'us-east-1_Example';

function auth(overrides: Partial<AuthResult> = {}): AuthResult {
  return authResultFromClaims(
    { sub: 'u1', token_use: 'access', client_id: 'c1', username: 'alice', exp: 2_000_000_000 },
    POOL,
    { groups: overrides.groups ?? [] },
  );
}

const settings = { realm: 'api', passErrors: false, errorDetail: 'generic' } as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('core policies in their non-throwing form', () => {
  it('returns the same frozen refusal on every check, built once with the policy', () => {
    const policy = requireGroups('admin');
    const first = checkPolicy(policy, auth());
    expect(first?.code).toBe('GROUP_NOT_ALLOWED');
    expect(checkPolicy(policy, auth())).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('still throws that refusal when the application calls the policy', () => {
    const policy = requireScopes('orders/read');
    const denied = checkPolicy(policy, auth());
    expect(denied?.requiredScopes).toEqual(['orders/read']);
    expect(() => policy(auth())).toThrow(denied!);
  });

  it('gives core refusals a one-line stack, and an AuthError the application builds its frames', () => {
    expect(refusal('EXPIRED').stack).toBe('AuthError: The token has expired');
    expect(new AuthError('EXPIRED').stack).toMatch(/\n\s+at /);
  });

  it('keeps the stack of an error a requireClaims predicate throws, as the cause', () => {
    const denied = checkPolicy(
      requireClaims(() => {
        throw new Error('tenant lookup failed');
      }),
      auth(),
    );
    expect(denied?.code).toBe('CLAIM_CHECK');
    expect((denied?.cause as Error).stack).toMatch(/\n\s+at /);
  });

  it('refuses an application policy that throws something other than an AuthError with CLAIM_CHECK', () => {
    const policy: Policy = () => {
      throw new RangeError('bug');
    };
    expect(checkPolicy(policy, auth())?.code).toBe('CLAIM_CHECK');
  });
});

describe('createGuards', () => {
  it('builds guard and the five named guards from one wrapper, each over a core policy', () => {
    const wrapped: Policy[] = [];
    const guards = createGuards((policy) => {
      wrapped.push(policy);
      return policy;
    });
    expect(Object.keys(guards).sort()).toEqual([
      'guard',
      'requireClaims',
      'requireClient',
      'requireGroups',
      'requireScopes',
      'requireUser',
    ]);
    const scopes = guards.requireScopes('orders/read');
    expect(guardRefusal(scopes, auth())?.code).toBe('INSUFFICIENT_SCOPE');
    expect(guardRefusal(guards.requireUser(), auth())).toBeUndefined();
    expect(guardRefusal(guards.requireClient(), auth())?.code).toBe('CLAIM_CHECK');
    expect(wrapped).toHaveLength(3);
  });

  it('refuses a guard of something that is not a policy at creation', () => {
    const { guard } = createGuards((policy) => policy);
    expect(() => guard('admin' as never)).toThrow(TypeError);
  });

  it('refuses a request that reached a guard without a token with NO_CREDENTIALS', () => {
    expect(guardRefusal(requireGroups('admin'), undefined)?.code).toBe('NO_CREDENTIALS');
  });
});

describe('toHttpDenial', () => {
  it('answers with the RFC 6750 challenge by default', () => {
    const denial = toHttpDenial(refusal('EXPIRED'), settings);
    expect(denial.action).toBe('answer');
    if (denial.action === 'answer') {
      expect(denial.challenge.status).toBe(401);
      expect(denial.challenge.headers['www-authenticate']).toContain('invalid_token');
    }
  });

  it('passes a new HttpAuthError under passErrors, never the shared refusal', () => {
    const shared = refusal('EXPIRED');
    const denial = toHttpDenial(shared, { ...settings, passErrors: true });
    expect(denial.action).toBe('pass');
    if (denial.action === 'pass') {
      expect(denial.error).not.toBe(shared);
      expect(denial.error.statusCode).toBe(401);
      expect(denial.error.code).toBe('EXPIRED');
    }
  });

  it('rethrows what is not an AuthError unchanged', () => {
    const bug = new TypeError('bug');
    expect(toHttpDenial(bug, settings)).toEqual({ action: 'rethrow', error: bug });
  });
});

describe('tokenFromRaw', () => {
  it('reads the bearer token of a raw request', () => {
    expect(tokenFromRaw(['Authorization', 'Bearer abc'], '/', { allowQueryToken: false })).toBe(
      'abc',
    );
  });

  it('gives undefined for a request without a token on an optional route, and NO_CREDENTIALS otherwise', () => {
    expect(tokenFromRaw([], '/', { allowQueryToken: false, optional: true })).toBeUndefined();
    expect(() => tokenFromRaw([], '/', { allowQueryToken: false })).toThrow(
      expect.objectContaining({ code: 'NO_CREDENTIALS' }),
    );
  });

  it('refuses two Authorization headers with BAD_REQUEST even on an optional route', () => {
    const raw = ['Authorization', 'Bearer a', 'authorization', 'Bearer b'];
    expect(() => tokenFromRaw(raw, '/', { allowQueryToken: false, optional: true })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});

describe('notifyHook', () => {
  it('calls the hook and ignores what it throws', () => {
    const seen: number[] = [];
    notifyHook((n: number) => {
      seen.push(n);
      throw new Error('broken logger');
    }, 1);
    notifyHook(undefined, 2);
    expect(seen).toEqual([1]);
  });
});

describe('verifierClock', () => {
  it('is the clock a verifier was created with, and Date.now for a verifier of the application', () => {
    const clock = () => 42_000;
    const verifier = toVerifier({ userPoolId: POOL, clientId: 'c1', tokenUse: 'access', clock });
    expect(verifierClock(verifier)).toBe(clock);
    const double = { verify: async () => auth(), hydrate: async () => {}, userPools: [] };
    expect(verifierClock(double as never)).toBe(Date.now);
  });
});

describe('userPoolOfIssuer', () => {
  it('reads the pool of the original, replica and updated issuer forms', () => {
    expect(userPoolOfIssuer(`https://cognito-idp.us-east-1.amazonaws.com/${POOL}`)).toBe(POOL);
    expect(userPoolOfIssuer(`https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`)).toBe(POOL);
    expect(userPoolOfIssuer(`https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`)).toBe(
      POOL,
    );
  });

  it('reads nothing from an updated issuer in a replica Region, another host or a non-string', () => {
    expect(
      userPoolOfIssuer(`https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL}`),
    ).toBeUndefined();
    expect(userPoolOfIssuer(`https://cognito-idp.us-east-1.example.com/${POOL}`)).toBeUndefined();
    expect(
      userPoolOfIssuer(`https://cognito-idp.us-east-1.amazonaws.com/local_abc`),
    ).toBeUndefined();
    expect(userPoolOfIssuer(42)).toBeUndefined();
  });
});

describe('authResultFromClaims', () => {
  it('builds the result by core rules on a deeply frozen copy of the claims', () => {
    const claims = { sub: 'c1', token_use: 'access', client_id: 'c1', scope: 'a  b', exp: 9 };
    const result = authResultFromClaims(claims, POOL);
    expect(result.isMachine).toBe(true);
    expect(result.scopes).toEqual(['a', 'b']);
    expect(result.claims).not.toBe(claims);
    expect(Object.isFrozen(result.claims)).toBe(true);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('refuses claims the result cannot be built from with CLAIM_TYPE', () => {
    const base = { sub: 'u1', token_use: 'access', client_id: 'c1', exp: 9 };
    for (const claims of [
      { ...base, sub: '' },
      { ...base, token_use: 'refresh' },
      { ...base, exp: '9' },
      { ...base, scope: ['a'] },
    ]) {
      expect(() => authResultFromClaims(claims, POOL)).toThrow(
        expect.objectContaining({ code: 'CLAIM_TYPE' }),
      );
    }
  });
});

describe('renamedOption', () => {
  it('reads the old name with one DeprecationWarning per code and process', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    expect(renamedOption({ old: 1 }, 'old', 'next', 'TEST_DEP_KIT', 'test')).toBe(1);
    expect(renamedOption({ old: 2 }, 'old', 'next', 'TEST_DEP_KIT', 'test')).toBe(2);
    expect(renamedOption({ next: 3 }, 'old', 'next', 'TEST_DEP_KIT', 'test')).toBe(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toEqual({ type: 'DeprecationWarning', code: 'TEST_DEP_KIT' });
  });

  it('refuses both names at once', () => {
    expect(() =>
      renamedOption({ old: 1, next: 2 }, 'old', 'next', 'TEST_DEP_KIT2', 'test'),
    ).toThrow('give one, not both');
  });
});
