import {
  AuthError,
  checkPolicy,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authFromIdentity, createAppSyncAuthorizer } from '../src/index.js';
import { fromResolverContext, toResolverContext } from '../src/resolver-context.js';
import { fixture, manualClock, resolverFixture, SAMPLE_POOL_ID } from './helpers.js';

const clock = manualClock();
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
});

type Event = { identity: Record<string, unknown> };

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return 'allowed';
}

/** The resolverContext our authorizer returns for a freshly minted token. */
async function lambdaIdentity(
  mint: () => Promise<string>,
  hook?: (auth: Parameters<typeof toResolverContext>[0]) => Record<string, string>,
): Promise<{ resolverContext: Record<string, string> }> {
  const handler = createAppSyncAuthorizer({
    verifier: {
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: null,
      jwksUri: issuer.jwksUri,
      clock: clock.now,
    },
    resolverContext: hook,
  });
  const result = await handler({ authorizationToken: await mint() });
  expect(result.isAuthorized).toBe(true);
  return { resolverContext: result.resolverContext };
}

describe('authFromIdentity: Cognito user pools mode', () => {
  it('maps the captured identity with groups', () => {
    const { identity } = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    const auth = authFromIdentity(identity);
    expect(auth).toMatchObject({
      source: 'cognito',
      sub: '192879fc-a240-4bf1-ab5a-d6a00f3063f9',
      username: 'jdoe',
      tokenUse: 'id',
      clientId: '7471s60os7h0uu77i1tk27sp9n',
      userPoolId: SAMPLE_POOL_ID,
      groups: ['group1', 'group2'],
      scopes: [],
      isMachine: false,
      expiresAt: 1599157813,
    });
    expect(auth.claims.email_verified).toBe(true);
    expect(Object.isFrozen(auth.claims)).toBe(true);
    expect(checkPolicy(requireGroups('group2'), auth)).toBeUndefined();
  });

  it('falls back to claims["cognito:groups"] when identity.groups is null', () => {
    const { identity } = resolverFixture<Event>('appsync-direct-resolver-cognito-groups-null.json');
    expect(authFromIdentity(identity).groups).toEqual([]);
    (identity.claims as Record<string, unknown>)['cognito:groups'] = ['editors'];
    const auth = authFromIdentity(identity);
    expect(auth.groups).toEqual(['editors']);
    expect(checkPolicy(requireGroups('editors'), auth)).toBeUndefined();
  });

  it('falls back to claims["cognito:groups"] when identity.groups is absent', () => {
    const identity = fixture<Record<string, unknown>>('appsync-identity-cognito.json');
    expect(identity).not.toHaveProperty('groups');
    (identity.claims as Record<string, unknown>)['cognito:groups'] = ['readers'];
    expect(authFromIdentity(identity).groups).toEqual(['readers']);
  });

  it('accepts sourceIp as an array (AppSync) or a string (the Amplify simulator)', () => {
    const { identity } = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    expect(authFromIdentity({ ...identity, sourceIp: ['1.1.1.1', '2.2.2.2'] }).sub).toBeTruthy();
    expect(authFromIdentity({ ...identity, sourceIp: '127.0.0.1' }).sub).toBeTruthy();
  });

  it('reads scopes, username and client_id of an access token', async () => {
    const identity = {
      sub: 'u-1',
      issuer: issuer.issuer,
      username: 'alice',
      defaultAuthStrategy: 'ALLOW',
      sourceIp: ['10.0.0.1'],
      groups: null,
      claims: {
        sub: 'u-1',
        iss: issuer.issuer,
        token_use: 'access',
        client_id: issuer.clientId,
        scope: 'posts/read posts/write',
        username: 'alice',
        exp: 2_000_000_000,
        iat: 1_999_996_400,
      },
    };
    const auth = authFromIdentity(identity);
    expect(auth.scopes).toEqual(['posts/read', 'posts/write']);
    expect(auth.clientId).toBe(issuer.clientId);
    expect(checkPolicy(requireScopes('posts/write'), auth)).toBeUndefined();
    expect(checkPolicy(requireScopes('posts/admin'), auth)?.code).toBe('INSUFFICIENT_SCOPE');
    expect(checkPolicy(requireUser(), auth)).toBeUndefined();
  });

  it('refuses an issuer that is not a Cognito pool, or not the pool named (ISSUER)', () => {
    const { identity } = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    const claims = identity.claims as Record<string, unknown>;
    expect(
      codeOf(() =>
        authFromIdentity({
          ...identity,
          issuer: 'https://evil.example.com/us-west-2_x',
          claims: { ...claims, iss: 'https://evil.example.com/us-west-2_x' },
        }),
      ),
    ).toBe('ISSUER');
    expect(
      codeOf(() => authFromIdentity({ ...identity, claims: { ...claims, iss: issuer.issuer } })),
    ).toBe('ISSUER');
    expect(codeOf(() => authFromIdentity(identity, { userPoolId: 'us-west-2_Other' }))).toBe(
      'ISSUER',
    );
    expect(codeOf(() => authFromIdentity(identity, { userPoolId: [SAMPLE_POOL_ID] }))).toBe(
      'allowed',
    );
  });

  it('refuses the redacted placeholder issuer of the samples, which names no pool (ISSUER)', () => {
    const { identity } = fixture<Event>('appsync-resolver-cognito-identity.json');
    expect(codeOf(() => authFromIdentity(identity))).toBe('ISSUER');
  });

  it('refuses malformed identities (CLAIM_TYPE)', () => {
    const { identity } = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    const claims = identity.claims as Record<string, unknown>;
    const variants = [
      { ...identity, claims: { ...claims, token_use: 'refresh' } },
      { ...identity, claims: { ...claims, sub: '' } },
      { ...identity, sub: 'someone-else' },
      { ...identity, claims: { ...claims, aud: undefined } },
      { ...identity, claims: { ...claims, exp: '1599157813' } },
      { ...identity, groups: 'admin' },
      { ...identity, groups: null, claims: { ...claims, 'cognito:groups': 'admin' } },
      { ...identity, claims: { ...claims, 'cognito:username': 42 } },
    ];
    for (const variant of variants)
      expect(codeOf(() => authFromIdentity(variant))).toBe('CLAIM_TYPE');
  });
});

describe('authFromIdentity: other modes', () => {
  it('refuses an IAM identity, an API key (null) and nothing (NO_CREDENTIALS)', () => {
    const { identity } = fixture<Event>('appsync-direct-resolver-iam-identity.json');
    expect(codeOf(() => authFromIdentity(identity))).toBe('NO_CREDENTIALS');
    expect(codeOf(() => authFromIdentity(fixture('appsync-identity-iam.json')))).toBe(
      'NO_CREDENTIALS',
    );
    expect(codeOf(() => authFromIdentity(null))).toBe('NO_CREDENTIALS');
    expect(codeOf(() => authFromIdentity(undefined))).toBe('NO_CREDENTIALS');
  });

  it('maps an OIDC identity from a Cognito pool, groups from the claims', () => {
    const identity = {
      sub: 'u-2',
      issuer: issuer.issuer,
      claims: {
        sub: 'u-2',
        iss: issuer.issuer,
        token_use: 'id',
        aud: issuer.clientId,
        'cognito:username': 'bob',
        'cognito:groups': ['auditors'],
        exp: 2_000_000_000,
      },
    };
    const auth = authFromIdentity(identity);
    expect(auth).toMatchObject({ source: 'oidc', username: 'bob', groups: ['auditors'] });
  });

  it('refuses a mode that is not enabled (NO_CREDENTIALS)', () => {
    const { identity } = resolverFixture<Event>('appsync-resolver-cognito-identity.json');
    expect(codeOf(() => authFromIdentity(identity, { modes: ['lambda'] }))).toBe('NO_CREDENTIALS');
  });

  it('maps the resolverContext of our authorizer (Lambda mode) so policies run unchanged', async () => {
    const identity = await lambdaIdentity(
      () =>
        issuer.mintAccessToken({
          username: 'carol',
          groups: ['admin', 'ops'],
          scopes: ['posts/read'],
          claims: { 'custom:tenant': 'acme' },
        }),
      (auth) => ({ 'custom:tenant': String(auth.claims['custom:tenant']) }),
    );
    const auth = authFromIdentity(identity);
    expect(auth).toMatchObject({
      source: 'lambda',
      username: 'carol',
      tokenUse: 'access',
      clientId: issuer.clientId,
      userPoolId: issuer.userPoolId,
      groups: ['admin', 'ops'],
      scopes: ['posts/read'],
      isMachine: false,
    });
    expect(auth.claims).toMatchObject({
      sub: auth.sub,
      iss: issuer.issuer,
      token_use: 'access',
      client_id: issuer.clientId,
      username: 'carol',
      scope: 'posts/read',
      'cognito:groups': ['admin', 'ops'],
      'custom:tenant': 'acme',
    });
    expect(checkPolicy(requireGroups('ops'), auth)).toBeUndefined();
    expect(checkPolicy(requireClaims({ 'custom:tenant': 'acme' }), auth)).toBeUndefined();
    expect(checkPolicy(requireScopes('posts/write'), auth)?.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('maps an ID token and a machine token through resolverContext', async () => {
    const id = authFromIdentity(
      await lambdaIdentity(() => issuer.mintIdToken({ username: 'dave', groups: ['g'] })),
    );
    expect(id.claims).toMatchObject({ aud: issuer.clientId, 'cognito:username': 'dave' });
    const machine = authFromIdentity(
      await lambdaIdentity(() => issuer.mintClientCredentialsToken()),
    );
    expect(machine.isMachine).toBe(true);
    expect(checkPolicy(requireClient(issuer.clientId), machine)).toBeUndefined();
    expect(checkPolicy(requireUser(), machine)?.code).toBe('CLAIM_CHECK');
  });

  it('refuses a resolverContext another authorizer built (CLAIM_TYPE)', () => {
    const variants = [
      { resolverContext: { banana: 'very yellow', apple: 'very green' } },
      {
        resolverContext: fixture<Record<string, unknown>>('appsync-lambda-authorizer-response.json')
          .resolverContext,
      },
      { resolverContext: null },
      { resolverContext: 'sub=alice' },
    ];
    for (const variant of variants)
      expect(codeOf(() => authFromIdentity(variant))).toBe('CLAIM_TYPE');
  });

  it('keeps a __proto__ entry of resolverContext as a plain claim', async () => {
    const identity = await lambdaIdentity(() => issuer.mintAccessToken());
    const context = JSON.parse(
      JSON.stringify({ ...identity.resolverContext }).replace('{', '{"__proto__":"x",'),
    );
    const auth = authFromIdentity({ resolverContext: context });
    expect(Object.getPrototypeOf(auth.claims)).toBe(Object.prototype);
    expect(Object.hasOwn(auth.claims, '__proto__')).toBe(true);
  });
});

describe('resolverContext issuer', () => {
  it('carries the verified iss, and the claims read back keep it', async () => {
    const identity = await lambdaIdentity(() => issuer.mintAccessToken());
    expect(identity.resolverContext.issuer).toBe(issuer.issuer);
    expect(authFromIdentity(identity).claims.iss).toBe(issuer.issuer);
  });

  it('keeps the updated issuer form, and an emulator pool id its issuer names', async () => {
    const { resolverContext } = await lambdaIdentity(() => issuer.mintAccessToken());
    const updated = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${issuer.userPoolId}`;
    expect(
      authFromIdentity({ resolverContext: { ...resolverContext, issuer: updated } }).claims.iss,
    ).toBe(updated);
    const emulator = {
      ...resolverContext,
      userPoolId: 'local_5a2b9c',
      issuer: 'http://127.0.0.1:9229/local_5a2b9c',
    };
    const auth = authFromIdentity({ resolverContext: emulator });
    expect(auth.userPoolId).toBe('local_5a2b9c');
    expect(auth.claims.iss).toBe('http://127.0.0.1:9229/local_5a2b9c');
  });

  it('refuses an issuer that names another pool, or an emulator pool id without an issuer (CLAIM_TYPE)', async () => {
    const { resolverContext } = await lambdaIdentity(() => issuer.mintAccessToken());
    const other = `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other`;
    expect(
      codeOf(() => authFromIdentity({ resolverContext: { ...resolverContext, issuer: other } })),
    ).toBe('CLAIM_TYPE');
    const { issuer: _issuer, ...withoutIssuer } = resolverContext;
    expect(
      codeOf(() =>
        authFromIdentity({ resolverContext: { ...withoutIssuer, userPoolId: 'local_5a2b9c' } }),
      ),
    ).toBe('CLAIM_TYPE');
  });

  it('refuses a pool id that is not one, or an issuer that is not http(s)://host/<pool id> (CLAIM_TYPE)', async () => {
    const { resolverContext } = await lambdaIdentity(() => issuer.mintAccessToken());
    const contexts = [
      { userPoolId: 'tenant', issuer: 'https://auth.example.com/tenant' },
      {
        userPoolId: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_A',
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A',
      },
      { userPoolId: issuer.userPoolId, issuer: `x/${issuer.userPoolId}` },
      { userPoolId: issuer.userPoolId, issuer: `https://a.example/b/${issuer.userPoolId}` },
    ];
    for (const extra of contexts) {
      expect(
        codeOf(() => authFromIdentity({ resolverContext: { ...resolverContext, ...extra } })),
      ).toBe('CLAIM_TYPE');
    }
  });

  it('reads a context without an issuer (an older authorizer) as the original form', async () => {
    const { resolverContext } = await lambdaIdentity(() => issuer.mintAccessToken());
    const { issuer: _issuer, ...withoutIssuer } = resolverContext;
    const region = issuer.userPoolId.split('_')[0];
    expect(authFromIdentity({ resolverContext: withoutIssuer }).claims.iss).toBe(
      `https://cognito-idp.${region}.amazonaws.com/${issuer.userPoolId}`,
    );
  });
});

describe('resolverContext round trip', () => {
  it('gives back exactly the groups and scopes (property)', async () => {
    const base = authFromIdentity(await lambdaIdentity(() => issuer.mintAccessToken()));
    // Printable, no whitespace or control characters (NBSP, soft hyphen): joinGroups refuses those.
    const name = fc.stringMatching(/^[!-~\u00a1-\u00ac\u00ae-\u00ff]{1,20}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 6 }),
        fc.uniqueArray(name, { maxLength: 6 }),
        (groups, scopes) => {
          const auth = { ...base, groups, scopes };
          const back = fromResolverContext(toResolverContext(auth, undefined));
          expect(back.groups).toEqual(groups);
          expect(back.scopes).toEqual(scopes);
        },
      ),
      { numRuns: 200 },
    );
  });
});
