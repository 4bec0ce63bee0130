import { AuthError, type AuthResult } from '@cognito-guard/core';
import { federationOf, rolesOf } from '@cognito-guard/core/http';
import { fromResolverContext } from './resolver-context.js';

/**
 * The identities the resolver guard trusts without re-verifying a token: AppSync verified
 * them already (`identity` in the AppSync resolver context reference,
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html).
 *
 * - `cognito`: `AMAZON_COGNITO_USER_POOLS` mode (`sub`, `issuer`, `username`, `claims`,
 *   `groups`, `sourceIp`, `defaultAuthStrategy`);
 * - `oidc`: `OPENID_CONNECT` mode with a Cognito pool as the provider (`sub`, `issuer`, `claims`);
 * - `lambda`: `AWS_LAMBDA` mode, with the `resolverContext` our authorizer returned.
 *
 * IAM identities and API keys carry no Cognito user and are refused with `NO_CREDENTIALS`.
 *
 * @example
 * ```ts
 * const modes: IdentityMode[] = ['cognito', 'lambda'];
 * ```
 */
export type IdentityMode = 'cognito' | 'oidc' | 'lambda';

/**
 * An `AuthResult` as the AppSync guard hands it to a resolver, plus where it came from.
 *
 * @example
 * ```ts
 * if (auth.source === 'lambda') console.log('claims rebuilt from resolverContext');
 * ```
 */
export interface AppSyncAuth extends AuthResult {
  /**
   * `token` when the guard verified the raw token itself; otherwise the identity mode whose
   * `ctx.identity` it read. In `lambda` mode the claims are rebuilt from `resolverContext`
   * (standard claims plus the authorizer hook's string entries).
   */
  readonly source: 'token' | IdentityMode;
}

/**
 * Options of {@link authFromIdentity}.
 *
 * @example
 * ```ts
 * const options: IdentityOptions = { modes: ['cognito'], userPoolId: 'us-east-1_Example' };
 * ```
 */
export interface IdentityOptions {
  /** Identity modes to accept. Default: all three. */
  readonly modes?: readonly IdentityMode[] | undefined;
  /** When given, the identity's user pool must be one of these (`ISSUER` otherwise). */
  readonly userPoolId?: string | readonly string[] | undefined;
}

// A Region as AWS names them (us-east-1, us-gov-west-1, eusc-de-east-1), and a pool id
// `<primary Region>_<id>`.
const REGION = '(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\\d';
/**
 * The issuer forms of a Cognito user pool (Amazon Cognito API reference,
 * `IssuerConfigurationType`): the original `https://cognito-idp.<region>.amazonaws.com/<poolId>`,
 * where `<region>` is the pool's own Region or, for a pool replicated to other Regions on the
 * original issuer type, the Region of the replica that issued the token (awslabs/aws-jwt-verify
 * issue #282); and the updated `https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`,
 * where `<region>` is always the pool's primary Region. AppSync verified the token against the
 * pool (or OIDC issuer) the API is configured with, so any of these forms names that pool.
 * The same grammar, without regular expressions, is in `js/guard.js`; one table of identities
 * (`packages/appsync/test/identity-table.ts`) holds both to it.
 */
const COGNITO_ISSUER = new RegExp(
  `^https://(issuer-)?cognito-idp\\.(${REGION})\\.amazonaws\\.com/((${REGION})_[A-Za-z0-9]+)$`,
);

/** The pool a Cognito issuer names, or `undefined` when it is not a Cognito pool's issuer. */
export function poolOfIssuer(issuer: unknown): string | undefined {
  if (typeof issuer !== 'string') return undefined;
  const match = COGNITO_ISSUER.exec(issuer);
  if (match === null) return undefined;
  const [, updated, region, userPoolId, primary] = match;
  // The updated form never names a replica's Region.
  if (updated !== undefined && region !== primary) return undefined;
  return userPoolId;
}

const ALL_MODES: readonly IdentityMode[] = ['cognito', 'oidc', 'lambda'];

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function claimType(detail: string): AuthError {
  return new AuthError('CLAIM_TYPE', { cause: detail });
}

/**
 * Tells the identity modes apart by the fields each one carries (AppSync resolver context
 * reference, "Identity"): a `resolverContext` is Lambda mode; `issuer` and `claims` with any of
 * `defaultAuthStrategy`, `groups`, `username` is Cognito user pools mode; otherwise OIDC.
 */
function modeOf(identity: Readonly<Record<string, unknown>>): IdentityMode | undefined {
  if (Object.hasOwn(identity, 'resolverContext')) return 'lambda';
  if (isRecord(own(identity, 'claims')) && typeof own(identity, 'issuer') === 'string') {
    const cognito =
      Object.hasOwn(identity, 'defaultAuthStrategy') ||
      Object.hasOwn(identity, 'groups') ||
      Object.hasOwn(identity, 'username');
    return cognito ? 'cognito' : 'oidc';
  }
  return undefined;
}

function stringList(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw claimType(name);
  }
  return value as readonly string[];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/** Cognito and OIDC identities: the decoded token AppSync verified, with native JSON types. */
function fromClaims(
  identity: Readonly<Record<string, unknown>>,
  mode: 'cognito' | 'oidc',
): AuthResult {
  const claims = own(identity, 'claims') as Readonly<Record<string, unknown>>;
  const issuer = own(identity, 'issuer');
  const iss = own(claims, 'iss');
  if (iss !== undefined && iss !== issuer) throw new AuthError('ISSUER');
  const userPoolId = poolOfIssuer(issuer);
  if (userPoolId === undefined) throw new AuthError('ISSUER');

  const sub = own(claims, 'sub');
  if (typeof sub !== 'string' || sub.length === 0) throw claimType('sub');
  const identitySub = own(identity, 'sub');
  if (identitySub !== undefined && identitySub !== sub) throw claimType('sub');
  const tokenUse = own(claims, 'token_use');
  if (tokenUse !== 'access' && tokenUse !== 'id') throw claimType('token_use');
  const clientId = own(claims, tokenUse === 'access' ? 'client_id' : 'aud');
  if (typeof clientId !== 'string' || clientId.length === 0) throw claimType('client_id/aud');
  const exp = own(claims, 'exp');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw claimType('exp');
  const scope = own(claims, 'scope');
  if (scope !== undefined && typeof scope !== 'string') throw claimType('scope');

  const claimUsername = own(claims, tokenUse === 'access' ? 'username' : 'cognito:username');
  const identityUsername = mode === 'cognito' ? own(identity, 'username') : undefined;
  const username = claimUsername ?? identityUsername;
  if (username !== undefined && typeof username !== 'string') throw claimType('username');

  // `identity.groups` is null or absent for a user without groups, and absent in the AppSync
  // simulator; `cognito:groups` is where it comes from (AppSync resolver context reference).
  const identityGroups = mode === 'cognito' ? stringList(own(identity, 'groups'), 'groups') : [];
  const claimGroups = stringList(own(claims, 'cognito:groups'), 'cognito:groups');
  const groups =
    identityGroups !== undefined && identityGroups.length > 0
      ? identityGroups
      : (claimGroups ?? []);

  const frozenClaims = deepFreeze(structuredClone(claims)) as unknown as AuthResult['claims'];
  return Object.freeze({
    claims: frozenClaims,
    tokenUse,
    userPoolId,
    clientId,
    sub,
    username: username as string | undefined,
    scopes: Object.freeze(scope === undefined ? [] : scope.split(' ').filter((s) => s.length > 0)),
    groups: Object.freeze([...groups]),
    // The core's rule: a client-credentials token names the client as its subject and has no
    // username (Cognito docs, "client credentials grant" access token).
    isMachine: tokenUse === 'access' && claimUsername === undefined && sub === clientId,
    expiresAt: exp,
    federation: federationOf(frozenClaims),
    roles: rolesOf(frozenClaims),
  });
}

/**
 * Maps `ctx.identity` of an AppSync resolver event to an `AuthResult`, so the core policies
 * (`requireGroups`, `requireScopes`, `requireClaims`, `requireUser`, ...) run on it unchanged.
 * This is the one place where that mapping lives.
 *
 * It trusts the identity: AppSync verified the token (Cognito, OIDC) or our authorizer did
 * (Lambda). Throws an `AuthError`: `NO_CREDENTIALS` for no identity, an IAM identity or a mode
 * not in `modes`; `ISSUER` for an issuer that is not a Cognito pool (or not one of
 * `userPoolId`); `CLAIM_TYPE` for a malformed identity.
 *
 * @example
 * ```ts
 * const auth = authFromIdentity(event.identity, { modes: ['cognito'] });
 * requireGroups('admin')(auth);
 * ```
 */
export function authFromIdentity(identity: unknown, options: IdentityOptions = {}): AppSyncAuth {
  const modes = options.modes ?? ALL_MODES;
  if (!isRecord(identity)) throw new AuthError('NO_CREDENTIALS');
  const mode = modeOf(identity);
  if (mode === undefined || !modes.includes(mode)) throw new AuthError('NO_CREDENTIALS');
  const auth =
    mode === 'lambda'
      ? fromResolverContext(own(identity, 'resolverContext'))
      : fromClaims(identity, mode);
  if (options.userPoolId !== undefined) {
    const pools =
      typeof options.userPoolId === 'string' ? [options.userPoolId] : options.userPoolId;
    if (!pools.includes(auth.userPoolId)) throw new AuthError('ISSUER');
  }
  return Object.freeze({ ...auth, source: mode });
}
