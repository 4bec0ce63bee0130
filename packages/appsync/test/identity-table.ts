import type { ErrorCode } from '@cognito-guard/core';

/**
 * One table of AppSync identities (`ctx.identity`) and what cognito-guard makes of them, run
 * against both readers of an identity: `authFromIdentity` (Lambda resolvers, `withAuth`) and
 * `cognitoIdentity` of the APPSYNC_JS guard (`js/guard.js`). Both must accept the same
 * identities and read the same caller from them; a refusal is an `AuthError` with `refused` on
 * the Lambda side and `null` (then `util.unauthorized()`) in the JS guard.
 *
 * Shapes follow the AppSync resolver context reference ("Identity" of
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html):
 * Cognito user pools mode carries `sub`, `issuer`, `username`, `claims`, `sourceIp`,
 * `defaultAuthStrategy` and `groups`; OIDC mode `sub`, `issuer`, `claims`; Lambda mode
 * `resolverContext`.
 */
export interface IdentityCase {
  readonly name: string;
  readonly identity: unknown;
  readonly expected:
    | {
        readonly mode: 'cognito' | 'oidc' | 'lambda';
        readonly sub: string;
        readonly username: string | null;
        readonly groups: readonly string[];
        readonly scopes: readonly string[];
      }
    | { readonly refused: ErrorCode };
}

const POOL = 'us-east-1_AbCdEf123';
const SUB = '11111111-2222-3333-4444-555555555555';
const CLIENT = '7abc1234def5678ghi9012jkl3';
const ORIGINAL = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const UPDATED = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const REPLICA = `https://cognito-idp.us-west-2.amazonaws.com/${POOL}`;
const EXP = 1_900_000_000;

type Json = Record<string, unknown>;

/** Claims of a user's access token from the pool, with `overrides` on top (`undefined` deletes). */
function accessClaims(iss: string, overrides: Json = {}): Json {
  const claims: Json = {
    sub: SUB,
    'cognito:groups': ['admin', 'readers'],
    iss,
    client_id: CLIENT,
    token_use: 'access',
    scope: 'orders/read aws.cognito.signin.user.admin',
    exp: EXP,
    iat: EXP - 3600,
    username: 'alice',
  };
  return withOverrides(claims, overrides);
}

function withOverrides(base: Json, overrides: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** A Cognito user pools mode identity whose claims name `issuer`. */
function cognito(issuer: string, overrides: Json = {}, claims: Json = {}): Json {
  return withOverrides(
    {
      sub: SUB,
      issuer,
      username: 'alice',
      claims: accessClaims(issuer, claims),
      sourceIp: ['203.0.113.7'],
      defaultAuthStrategy: 'ALLOW',
      groups: ['admin', 'readers'],
    },
    overrides,
  );
}

/** An OIDC mode identity: `sub`, `issuer`, `claims` only. */
function oidc(issuer: string, claims: Json = {}): Json {
  return { sub: SUB, issuer, claims: accessClaims(issuer, claims) };
}

/** The `resolverContext` the cognito-guard AppSync authorizer builds, with `overrides`. */
function lambda(overrides: Json = {}): Json {
  return {
    resolverContext: withOverrides(
      {
        sub: SUB,
        username: 'alice',
        groups: 'admin readers',
        scopes: 'orders/read',
        clientId: CLIENT,
        tokenUse: 'access',
        userPoolId: POOL,
        isMachine: 'false',
        expiresAt: String(EXP),
      },
      overrides,
    ),
  };
}

const alice = (mode: 'cognito' | 'oidc' | 'lambda') =>
  ({
    mode,
    sub: SUB,
    username: 'alice',
    groups: ['admin', 'readers'],
    scopes: mode === 'lambda' ? ['orders/read'] : ['orders/read', 'aws.cognito.signin.user.admin'],
  }) as const;

export const IDENTITY_TABLE: readonly IdentityCase[] = [
  // Cognito user pools mode, every issuer form a pool uses.
  {
    name: 'Cognito mode, original issuer',
    identity: cognito(ORIGINAL),
    expected: alice('cognito'),
  },
  { name: 'Cognito mode, updated issuer', identity: cognito(UPDATED), expected: alice('cognito') },
  {
    name: 'Cognito mode, original issuer from a replica Region',
    identity: cognito(REPLICA),
    expected: alice('cognito'),
  },
  {
    name: 'Cognito mode, EU Sovereign Cloud pool',
    identity: cognito('https://cognito-idp.eusc-de-east-1.amazonaws.com/eusc-de-east-1_AbC1'),
    expected: alice('cognito'),
  },
  {
    name: 'Cognito mode, groups null: read from cognito:groups',
    identity: cognito(ORIGINAL, { groups: null }),
    expected: alice('cognito'),
  },
  {
    name: 'Cognito mode, no groups anywhere',
    identity: cognito(ORIGINAL, { groups: null }, { 'cognito:groups': undefined }),
    expected: { ...alice('cognito'), groups: [] },
  },
  {
    name: 'Cognito mode, username from the identity when the claims have none',
    identity: cognito(ORIGINAL, { username: 'alice' }, { username: undefined }),
    expected: alice('cognito'),
  },
  // Issuers that are not a Cognito pool's.
  {
    name: 'updated issuer naming a replica Region (the updated form names the primary Region)',
    identity: cognito(`https://issuer-cognito-idp.us-west-2.amazonaws.com/${POOL}`),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'look-alike host issuer-cognito-idp.us-east-1.amazonaws.com.evil.test',
    identity: cognito(`https://issuer-cognito-idp.us-east-1.amazonaws.com.evil.test/${POOL}`),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'look-alike host cognito-idp.us-east-1.amazonaws.com.evil.test',
    identity: cognito(`https://cognito-idp.us-east-1.amazonaws.com.evil.test/${POOL}`),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'issuer with a trailing slash',
    identity: cognito(`${UPDATED}/`),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'issuer with an upper-case host',
    identity: cognito(UPDATED.replace('issuer-cognito-idp', 'ISSUER-COGNITO-IDP')),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'issuer over http',
    identity: cognito(ORIGINAL.replace('https:', 'http:')),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'issuer with a path after the pool id',
    identity: cognito(`${ORIGINAL}/x`),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'issuer naming a pool id without a Region (local_abc)',
    identity: cognito('https://cognito-idp.us-east-1.amazonaws.com/local_abc'),
    expected: { refused: 'ISSUER' },
  },
  {
    name: 'claims.iss other than identity.issuer',
    identity: cognito(ORIGINAL, {}, { iss: UPDATED.replace(POOL, 'us-east-1_Other1') }),
    expected: { refused: 'ISSUER' },
  },
  // OIDC mode: only a Cognito pool as the provider (issue: a foreign OIDC issuer's
  // cognito:groups claim must not grant a group).
  {
    name: 'OIDC mode, a Cognito pool (updated issuer)',
    identity: oidc(UPDATED),
    expected: alice('oidc'),
  },
  {
    name: 'OIDC mode, another issuer carrying cognito:groups ["admin"]',
    identity: oidc('https://idp.example.com/', { 'cognito:groups': ['admin'] }),
    expected: { refused: 'ISSUER' },
  },
  // Malformed identities.
  {
    name: 'token_use missing',
    identity: cognito(ORIGINAL, {}, { token_use: undefined }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'identity.groups as a string',
    identity: cognito(ORIGINAL, { groups: 'admin' }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'cognito:groups as a string',
    identity: cognito(ORIGINAL, { groups: null }, { 'cognito:groups': 'admin' }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'scope as null',
    identity: cognito(ORIGINAL, {}, { scope: null }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'username null in the claims and the identity',
    identity: cognito(ORIGINAL, { username: null }, { username: null }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'exp as a string',
    identity: cognito(ORIGINAL, {}, { exp: String(EXP) }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'identity.sub other than claims.sub',
    identity: cognito(ORIGINAL, { sub: 'someone-else' }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'client_id missing',
    identity: cognito(ORIGINAL, {}, { client_id: undefined }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  // Lambda mode: the resolverContext of the cognito-guard authorizer only.
  {
    name: 'Lambda mode, cognito-guard resolverContext',
    identity: lambda(),
    expected: alice('lambda'),
  },
  {
    name: 'Lambda mode, machine token without username',
    identity: lambda({ username: undefined, isMachine: 'true', groups: '' }),
    expected: { ...alice('lambda'), username: null, groups: [] },
  },
  {
    name: 'Lambda mode, a foreign resolverContext {sub, tokenUse, groups: "admin"}',
    identity: { resolverContext: { sub: SUB, tokenUse: 'access', groups: 'admin' } },
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'Lambda mode, groups as an array',
    identity: lambda({ groups: ['admin'] }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'Lambda mode, expiresAt not digits',
    identity: lambda({ expiresAt: '1e10' }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'Lambda mode, userPoolId without a Region',
    identity: lambda({ userPoolId: 'local_abc' }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'Lambda mode, username not a string',
    identity: lambda({ username: 7 }),
    expected: { refused: 'CLAIM_TYPE' },
  },
  {
    name: 'Lambda mode, resolverContext null',
    identity: { resolverContext: null },
    expected: { refused: 'CLAIM_TYPE' },
  },
  // No Cognito user at all.
  { name: 'no identity (API key)', identity: null, expected: { refused: 'NO_CREDENTIALS' } },
  {
    name: 'IAM identity',
    identity: {
      accountId: '123456789012',
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: ['203.0.113.7'],
      username: 'AIDAEXAMPLE',
      userArn: 'arn:aws:iam::123456789012:user/alice',
    },
    expected: { refused: 'NO_CREDENTIALS' },
  },
  {
    name: 'claims without an issuer',
    identity: { sub: SUB, claims: accessClaims(ORIGINAL) },
    expected: { refused: 'NO_CREDENTIALS' },
  },
  {
    name: 'identity as an array',
    identity: [cognito(ORIGINAL)],
    expected: { refused: 'NO_CREDENTIALS' },
  },
];
