// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
import {
  type AccessTokenClaims,
  type AuthResult,
  createVerifier,
  type IdTokenClaims,
  requireGroups,
  requireScopes,
} from '@cognito-guard/core';

// An omitted tokenUse does not compile.
// @ts-expect-error tokenUse is required
createVerifier({ userPoolId: 'us-east-1_Example', clientId: 'c' });

// An omitted clientId does not compile.
// @ts-expect-error clientId is required
createVerifier({ userPoolId: 'us-east-1_Example', tokenUse: 'access' });

// A tokenUse other than 'access', 'id' or null does not compile.
// @ts-expect-error tokenUse must be 'access' | 'id' | null
createVerifier({ userPoolId: 'us-east-1_Example', clientId: 'c', tokenUse: 'refresh' });

// Explicit null opts out and compiles.
createVerifier({ userPoolId: 'us-east-1_Example', clientId: null, tokenUse: null });

// userPoolId and userPools together do not compile.
const both = {
  userPoolId: 'us-east-1_Example',
  userPools: [{ userPoolId: 'us-east-1_Other', clientId: 'c', tokenUse: 'id' as const }],
};
// @ts-expect-error one pool or several, not both
createVerifier(both);

// Every pool in userPools needs tokenUse and clientId too.
// @ts-expect-error tokenUse is required per pool
createVerifier({ userPools: [{ userPoolId: 'us-east-1_Example', clientId: 'c' }] });

export async function claimsAreTypedByTokenUse(token: string): Promise<void> {
  const access = createVerifier({
    userPoolId: 'us-east-1_Example',
    clientId: 'c',
    tokenUse: 'access',
  });
  const a = await access.verify(token);
  const clientId: string = a.claims.client_id;
  const scope: string | undefined = a.claims.scope;
  // @ts-expect-error access tokens have no aud
  const aud: string = a.claims.aud;
  // custom attributes are reachable, typed unknown until narrowed
  const tenant: unknown = a.claims['custom:tenant'];

  const id = createVerifier({ userPoolId: 'us-east-1_Example', clientId: 'c', tokenUse: 'id' });
  const i = await id.verify(token);
  const audience: string = i.claims.aud;
  // @ts-expect-error id tokens have no client_id
  const cid: string = i.claims.client_id;
  const tokenUse: 'id' = i.tokenUse;

  const either = createVerifier({ userPoolId: 'us-east-1_Example', clientId: 'c', tokenUse: null });
  const e = await either.verify(token);
  const claims: AccessTokenClaims | IdTokenClaims = e.claims;
  if (e.claims.token_use === 'access') {
    const narrowed: string = e.claims.client_id;
    void narrowed;
  }

  // Results and claims are read-only.
  // @ts-expect-error claims are read-only
  a.claims.sub = 'someone-else';
  // @ts-expect-error groups are read-only
  a.groups.push('admin');

  const result: AuthResult = a;
  void [clientId, scope, aud, tenant, audience, cid, tokenUse, claims, result];
}

// Policies take names or one rule object.
requireScopes('orders/read', 'orders/write');
requireScopes({ anyOf: ['orders/read'] });
requireGroups({ allOf: ['a'], noneOf: ['b'] });
// @ts-expect-error a rule object cannot be mixed with names
requireGroups('admin', { anyOf: ['x'] });
// @ts-expect-error policies take strings, not numbers
requireScopes(1);
