import { AuthError, type AuthResult } from '@cognito-guard/core';
import { authResultFromClaims, userPoolOfIssuer } from '@cognito-guard/core/http';
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

const ALL_MODES: readonly IdentityMode[] = ['cognito', 'oidc', 'lambda'];

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
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

/**
 * Cognito and OIDC identities: the decoded token AppSync verified, with native JSON types. Only
 * picks what the identity holds; core builds the result by its own rules.
 */
function fromClaims(
  identity: Readonly<Record<string, unknown>>,
  mode: 'cognito' | 'oidc',
): AuthResult {
  const claims = own(identity, 'claims') as Readonly<Record<string, unknown>>;
  const issuer = own(identity, 'issuer');
  const iss = own(claims, 'iss');
  if (iss !== undefined && iss !== issuer) throw new AuthError('ISSUER');
  // Any issuer form of a Cognito pool (original, replica, updated) names the pool AppSync
  // verified the token against. The same grammar, without regular expressions, is in
  // `js/guard.js`; one table of identities (`test/identity-table.ts`) holds both to it.
  const userPoolId = userPoolOfIssuer(issuer);
  if (userPoolId === undefined) throw new AuthError('ISSUER');
  const identitySub = own(identity, 'sub');
  if (identitySub !== undefined && identitySub !== own(claims, 'sub')) {
    throw new AuthError('CLAIM_TYPE', { cause: 'sub' });
  }
  // `identity.groups` is null or absent for a user without groups, and absent in the AppSync
  // simulator; `cognito:groups` is where it comes from (AppSync resolver context reference).
  return authResultFromClaims(
    claims,
    userPoolId,
    mode === 'cognito'
      ? { username: own(identity, 'username'), groups: own(identity, 'groups') }
      : {},
  );
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
