import { AuthError, type AuthResult } from '@cognito-guard/core';
import { fromResolverContext } from './resolver-context.js';

/**
 * The identities the resolver guard trusts without re-verifying a token: AppSync verified
 * them already (`ctx.identity`,
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

/** The one issuer form Cognito uses (R23); the region must be the pool id's own. */
const COGNITO_ISSUER =
  /^https:\/\/cognito-idp\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com\/(\1_[A-Za-z0-9]+)$/;
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

/** Tells the identity modes apart by the members each mode's `ctx.identity` has. */
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
  const pool = typeof issuer === 'string' ? COGNITO_ISSUER.exec(issuer) : null;
  if (pool === null) throw new AuthError('ISSUER');

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
  // simulator; `cognito:groups` is where it comes from (samples in test/fixtures/aws-events).
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
    userPoolId: pool[2]!,
    clientId,
    sub,
    username: username as string | undefined,
    scopes: Object.freeze(scope === undefined ? [] : scope.split(' ').filter((s) => s.length > 0)),
    groups: Object.freeze([...groups]),
    // The core's rule: a client-credentials token names the client as its subject and has no
    // username (Cognito docs, "client credentials grant" access token).
    isMachine: tokenUse === 'access' && claimUsername === undefined && sub === clientId,
    expiresAt: exp,
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
