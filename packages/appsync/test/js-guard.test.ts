import { fileURLToPath } from 'node:url';
import { util } from '@aws-appsync/utils';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  cognitoIdentity,
  hasGroups,
  hasScopes,
  isDenial,
  raiseOnDenial,
  requireClaims,
  requireGroups,
  requireScopes,
  requireUser,
} from '../js/guard.js';
import { createAppSyncAuthorizer, withAuth } from '../src/index.js';
import { fixture, manualClock, resolverFixture } from './helpers.js';

/**
 * A stand-in for the APPSYNC_JS `util`: in AppSync, `util.unauthorized()` and `util.error()`
 * end the handler by throwing; these do the same with recognisable errors.
 * (`@aws-appsync/utils` only ships types: its runtime `util` is an empty object.)
 */
class Unauthorized extends Error {
  override readonly name = 'Unauthorized';
}
class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
  ) {
    super(message);
  }
}
const standIn = {
  unauthorized(): never {
    throw new Unauthorized('Unauthorized');
  },
  error(message: string, errorType?: string): never {
    throw new AppSyncError(message, errorType);
  },
};

const clock = manualClock();
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ clock: clock.now });
});

afterAll(async () => {
  await issuer?.close();
});

beforeEach(() => {
  Object.assign(util, standIn);
});

/** What a handler did: returned a value, or called util.unauthorized()/util.error(). */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'allowed';
  } catch (err) {
    if (err instanceof Unauthorized) return 'unauthorized';
    if (err instanceof AppSyncError) return `error:${err.errorType}`;
    throw err;
  }
}

function cognitoCtx(groups: string[] | null, claims: Record<string, unknown> = {}) {
  const { identity } = resolverFixture<{ identity: Record<string, unknown> }>(
    'appsync-resolver-cognito-identity.json',
  );
  identity.groups = groups;
  Object.assign(identity.claims as Record<string, unknown>, claims);
  return { identity, args: {}, stash: {} };
}

async function lambdaCtx(token: Promise<string>) {
  const authorizer = createAppSyncAuthorizer({
    verifier: {
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'access',
      jwksUri: issuer.jwksUri,
      clock: clock.now,
    },
    resolverContext: (auth) => ({ 'custom:tenant': String(auth.claims['custom:tenant']) }),
  });
  const { resolverContext } = await authorizer({ authorizationToken: await token });
  return { identity: { resolverContext } };
}

describe('APPSYNC_JS guard: reading ctx.identity', () => {
  it('reads the Cognito identity of the captured event', () => {
    expect(cognitoIdentity(cognitoCtx(['group1']))).toMatchObject({
      mode: 'cognito',
      sub: '192879fc-a240-4bf1-ab5a-d6a00f3063f9',
      username: 'jdoe',
      groups: ['group1'],
      scopes: [],
    });
  });

  it('falls back to claims["cognito:groups"] when groups is null or absent', () => {
    const nullGroups = resolverFixture<{ identity: Record<string, unknown> }>(
      'appsync-direct-resolver-cognito-groups-null.json',
    );
    (nullGroups.identity.claims as Record<string, unknown>)['cognito:groups'] = ['editors'];
    expect(cognitoIdentity(nullGroups)?.groups).toEqual(['editors']);
    const absent = fixture<Record<string, unknown>>('appsync-identity-cognito.json');
    (absent.claims as Record<string, unknown>)['cognito:groups'] = ['readers'];
    expect(cognitoIdentity({ identity: absent })?.groups).toEqual(['readers']);
  });

  it('reads the resolverContext of the cognito-guard Lambda authorizer', async () => {
    const ctx = await lambdaCtx(
      issuer.mintAccessToken({ groups: ['admin', 'ops'], scopes: ['posts/read'], username: 'al' }),
    );
    expect(cognitoIdentity(ctx)).toMatchObject({
      mode: 'lambda',
      username: 'al',
      groups: ['admin', 'ops'],
      scopes: ['posts/read'],
    });
  });

  it('takes the pool id its issuer names (an emulator pool), and refuses one the issuer does not name', async () => {
    const { identity } = await lambdaCtx(issuer.mintAccessToken());
    const context = identity.resolverContext;
    const emulator = {
      ...context,
      userPoolId: 'local_5a2b9c',
      issuer: 'http://127.0.0.1:9229/local_5a2b9c',
    };
    expect(cognitoIdentity({ identity: { resolverContext: emulator } })?.mode).toBe('lambda');
    const mismatch = { ...context, issuer: 'http://127.0.0.1:9229/local_5a2b9c' };
    expect(cognitoIdentity({ identity: { resolverContext: mismatch } })).toBeNull();
    const { issuer: _issuer, ...older } = emulator;
    expect(cognitoIdentity({ identity: { resolverContext: older } })).toBeNull();
    for (const extra of [
      { userPoolId: 'tenant', issuer: 'https://auth.example.com/tenant' },
      {
        userPoolId: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_A',
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A',
      },
      { userPoolId: 'local_5a2b9c', issuer: 'x/local_5a2b9c' },
      { userPoolId: 'local_5a2b9c', issuer: 'https://a.example/b/local_5a2b9c' },
    ]) {
      expect(
        cognitoIdentity({ identity: { resolverContext: { ...context, ...extra } } }),
      ).toBeNull();
    }
  });

  it('sees no user for IAM, API key and foreign Lambda identities', () => {
    const iam = resolverFixture<{ identity: unknown }>('appsync-direct-resolver-iam-identity.json');
    expect(cognitoIdentity(iam)).toBeNull();
    expect(cognitoIdentity({ identity: fixture('appsync-identity-iam.json') })).toBeNull();
    expect(cognitoIdentity({ identity: null })).toBeNull();
    expect(cognitoIdentity({})).toBeNull();
    const foreign = fixture<Record<string, unknown>>('appsync-lambda-authorizer-response.json');
    expect(cognitoIdentity({ identity: { resolverContext: foreign.resolverContext } })).toBeNull();
  });
});

describe('APPSYNC_JS guard: checks that call util.unauthorized()', () => {
  it('requireUser refuses requests without a Cognito user', () => {
    expect(outcome(() => requireUser(cognitoCtx(null)))).toBe('allowed');
    expect(outcome(() => requireUser({ identity: null }))).toBe('unauthorized');
  });

  it('requireGroups checks all-of lists, single names and any-of / none-of rules', () => {
    const ctx = cognitoCtx(['editor', 'suspended']);
    expect(outcome(() => requireGroups(ctx, 'editor'))).toBe('allowed');
    expect(outcome(() => requireGroups(ctx, ['editor', 'admin']))).toBe('unauthorized');
    expect(outcome(() => requireGroups(ctx, { anyOf: ['admin', 'editor'] }))).toBe('allowed');
    expect(outcome(() => requireGroups(ctx, { anyOf: ['editor'], noneOf: ['suspended'] }))).toBe(
      'unauthorized',
    );
    expect(outcome(() => requireGroups(ctx, 'Editor'))).toBe('unauthorized');
    expect(outcome(() => requireGroups(ctx, []))).toBe('unauthorized');
    expect(outcome(() => requireGroups({ identity: null }, 'editor'))).toBe('unauthorized');
  });

  it('requireScopes reads the access token scope, or the Lambda resolverContext', async () => {
    // An access token names its client in client_id (the sample is an ID token, with aud).
    const access = cognitoCtx(null, {
      token_use: 'access',
      client_id: '7471s60os7h0uu77i1tk27sp9n',
      scope: 'posts/read posts/write',
    });
    expect(outcome(() => requireScopes(access, ['posts/read', 'posts/write']))).toBe('allowed');
    expect(outcome(() => requireScopes(access, 'posts/admin'))).toBe('unauthorized');
    const lambda = await lambdaCtx(issuer.mintAccessToken({ scopes: ['posts/read'] }));
    expect(outcome(() => requireScopes(lambda, 'posts/read'))).toBe('allowed');
    expect(outcome(() => requireScopes(lambda, 'posts/write'))).toBe('unauthorized');
  });

  it('requireClaims compares exact own claim values', async () => {
    const ctx = cognitoCtx(null, { 'custom:tenant': 'acme' });
    expect(outcome(() => requireClaims(ctx, { 'custom:tenant': 'acme' }))).toBe('allowed');
    expect(outcome(() => requireClaims(ctx, { 'custom:tenant': 'other' }))).toBe('unauthorized');
    expect(outcome(() => requireClaims(ctx, { email_verified: true }))).toBe('allowed');
    expect(outcome(() => requireClaims(ctx, { toString: {}.toString as never }))).toBe(
      'unauthorized',
    );
    expect(outcome(() => requireClaims(ctx, {}))).toBe('unauthorized');
    const lambda = await lambdaCtx(issuer.mintAccessToken({ claims: { 'custom:tenant': 'acme' } }));
    expect(outcome(() => requireClaims(lambda, { 'custom:tenant': 'acme' }))).toBe('allowed');
  });

  it('hasGroups and hasScopes answer without denying', () => {
    const ctx = cognitoCtx(['admin']);
    expect(hasGroups(ctx, 'admin')).toBe(true);
    expect(hasGroups(ctx, 'ops')).toBe(false);
    expect(hasScopes(ctx, 'posts/read')).toBe(false);
    expect(hasGroups({ identity: null }, 'admin')).toBe(false);
  });
});

describe('APPSYNC_JS guard: response handler for the Lambda guard envelope', () => {
  it('turns the envelope of withAuth into util.unauthorized(), and keeps other results', async () => {
    const guarded = withAuth(null, async () => ({ id: '1' }), {
      deny: 'envelope',
      modes: ['lambda'],
    });
    const denied = await guarded(cognitoCtx(['admin']));
    expect(isDenial(denied)).toBe(true);
    expect(outcome(() => raiseOnDenial(denied))).toBe('unauthorized');
    expect(raiseOnDenial({ id: '1' })).toEqual({ id: '1' });
    expect(raiseOnDenial(null)).toBeNull();
  });

  it('turns a ServiceUnavailable envelope into util.error() with its type', () => {
    const envelope = { data: null, errorType: 'ServiceUnavailable', errorMessage: 'later' };
    expect(outcome(() => raiseOnDenial(envelope))).toBe('error:ServiceUnavailable');
  });
});

describe('APPSYNC_JS guard: runtime rules', () => {
  it('passes @aws-appsync/eslint-plugin (recommended rules)', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const eslint = new ESLint({ cwd });
    const results = await eslint.lintFiles(['js/']);
    expect(results.length).toBeGreaterThan(0);
    const messages = results.flatMap((r) => r.messages.map((m) => `${r.filePath}: ${m.message}`));
    expect(messages).toEqual([]);
  });
});
