import type { AccessTokenClaims, IdTokenClaims } from './claims.js';
import { deepFreeze } from './claims.js';
import { type AuthError, refusal } from './errors.js';
import { type FederatedIdentity, federationOf, type RoleClaims, rolesOf } from './federation.js';

/** A verified token, as every adapter hands it to the application. Frozen. */
export interface AuthResult<
  C extends AccessTokenClaims | IdTokenClaims = AccessTokenClaims | IdTokenClaims,
> {
  /** The verified claims: a deeply frozen object of own properties. */
  readonly claims: C;
  readonly tokenUse: C['token_use'];
  readonly userPoolId: string;
  /** `client_id` of an access token, `aud` of an ID token. */
  readonly clientId: string;
  readonly sub: string;
  /** `username` (access) or `cognito:username` (id); undefined for machine tokens. */
  readonly username: string | undefined;
  /** The `scope` claim, split on spaces. */
  readonly scopes: readonly string[];
  /** `cognito:groups`, or empty. */
  readonly groups: readonly string[];
  /** True for a client-credentials token: an access token with no user behind it. */
  readonly isMachine: boolean;
  /** The `exp` claim: epoch seconds. */
  readonly expiresAt: number;
  /** `identities` of a federated user (Google, SAML...), checked and converted; empty otherwise. */
  readonly federation: readonly FederatedIdentity[];
  /** `cognito:roles` and `cognito:preferred_role`, checked; empty otherwise. */
  readonly roles: RoleClaims;
}

/**
 * The fields every adapter reads, derived once from verified, type-checked claims (the
 * verifier's own path: no check repeated here). `username` and `groups` may come from
 * elsewhere than the claims (AppSync's identity); `isMachine` always reads the claims.
 */
export function toAuthResult(
  claims: AccessTokenClaims | IdTokenClaims,
  userPoolId: string,
  from: {
    readonly username?: string | undefined;
    readonly groups?: readonly string[];
    readonly isMachine?: boolean;
  } = {},
): AuthResult {
  const isAccess = claims.token_use === 'access';
  const claimUsername = isAccess ? claims.username : claims['cognito:username'];
  const clientId = isAccess ? claims.client_id : claims.aud;
  const scope = isAccess ? claims.scope : undefined;
  return Object.freeze({
    claims,
    tokenUse: claims.token_use,
    userPoolId,
    clientId,
    sub: claims.sub,
    username: claimUsername ?? from.username,
    scopes: Object.freeze(scope === undefined ? [] : scope.split(' ').filter((s) => s.length > 0)),
    groups: from.groups ?? claims['cognito:groups'] ?? Object.freeze([] as string[]),
    // Client-credentials tokens name the client as their subject and carry no username
    // (Amazon Cognito developer guide, "The access token": client credentials grant).
    isMachine:
      from.isMachine ?? (isAccess && claimUsername === undefined && claims.sub === clientId),
    expiresAt: claims.exp,
    federation: federationOf(claims),
    roles: rolesOf(claims),
  });
}

/** What {@link authResultFromClaims} may take from outside the claims. */
export interface TrustedClaimsOptions {
  /** The user name, when the claims do not carry one (AppSync's `identity.username`). */
  readonly username?: unknown;
  /** The groups, instead of `cognito:groups` (AppSync's `identity.groups`); empty means none given. */
  readonly groups?: unknown;
  /**
   * Whether the token is a client-credentials one, when the trusted source states it (our
   * authorizer's `resolverContext`); otherwise core's rule decides from the claims.
   */
  readonly isMachine?: boolean;
}

function claimType(detail: string): AuthError {
  return refusal('CLAIM_TYPE', detail);
}

function stringList(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw claimType(name);
  }
  return value as readonly string[];
}

function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * Builds the `AuthResult` core hands to applications from claims that something trusted has
 * verified already (AppSync's `ctx.identity`, an authorizer's context): the same fields, by
 * the same rules (scope splitting, `isMachine`, deeply frozen claims, on a copy) as
 * `verifier.verify`. It checks only what the result needs: `sub`, `token_use`, the client
 * (`client_id` or `aud`), `exp`, and the types of `scope`, the user name and the groups;
 * anything else is a `CLAIM_TYPE` {@link AuthError}. It verifies nothing: never feed it claims
 * read from an unverified token.
 *
 * @example
 * ```ts
 * const auth = authResultFromClaims(identity.claims, 'us-east-1_Example', { groups: identity.groups });
 * ```
 */
export function authResultFromClaims(
  claims: Readonly<Record<string, unknown>>,
  userPoolId: string,
  options: TrustedClaimsOptions = {},
): AuthResult {
  if (typeof claims !== 'object' || claims === null) throw claimType('claims');
  const sub = own(claims, 'sub');
  if (typeof sub !== 'string' || sub.length === 0) throw claimType('sub');
  const tokenUse = own(claims, 'token_use');
  if (tokenUse !== 'access' && tokenUse !== 'id') throw claimType('token_use');
  const clientId = own(claims, tokenUse === 'access' ? 'client_id' : 'aud');
  if (typeof clientId !== 'string' || clientId.length === 0) throw claimType('client_id/aud');
  const exp = own(claims, 'exp');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw claimType('exp');
  const scope = own(claims, 'scope');
  if (scope !== undefined && typeof scope !== 'string') throw claimType('scope');
  const claimUsername = own(claims, tokenUse === 'access' ? 'username' : 'cognito:username');
  const username = claimUsername ?? options.username;
  if (username !== undefined && typeof username !== 'string') throw claimType('username');
  const given = stringList(options.groups, 'groups');
  const claimGroups = stringList(own(claims, 'cognito:groups'), 'cognito:groups');
  const groups = given !== undefined && given.length > 0 ? given : (claimGroups ?? []);
  const copy = deepFreeze(structuredClone(claims)) as unknown as AccessTokenClaims | IdTokenClaims;
  return toAuthResult(copy, userPoolId, {
    username: username as string | undefined,
    groups: Object.freeze([...groups]),
    ...(typeof options.isMachine === 'boolean' ? { isMachine: options.isMachine } : {}),
  });
}
