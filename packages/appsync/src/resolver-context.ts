import { AuthError, type AuthResult, joinGroups } from '@cognito-guard/core';
import { authResultFromClaims, cognitoIssuer, regionOfPoolId } from '@cognito-guard/core/http';

/**
 * The `resolverContext` our AppSync authorizer returns, which AppSync hands to every resolver
 * as `ctx.identity.resolverContext` (AppSync, security-authz.html, `AWS_LAMBDA`).
 *
 * Every value is a string: the AWS examples only use flat strings and the docs do not say
 * that nested values survive (not confirmed either way). Lists are joined with
 * single spaces: scope tokens cannot contain spaces (RFC 6749 §3.3) and neither can Cognito
 * group names (CreateGroup API reference: `GroupName` matches `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`,
 * no separators), so the split is exact. Entries from the application's hook come on top, but
 * never replace these keys.
 *
 * @example
 * ```ts
 * // In an APPSYNC_JS resolver:
 * const groups = ctx.identity.resolverContext.groups.split(' ');
 * ```
 */
export interface CognitoResolverContext {
  readonly sub: string;
  /** Absent for client-credentials (machine) tokens. */
  readonly username?: string;
  /** `cognito:groups`, space-separated; `''` when none. */
  readonly groups: string;
  /** The `scope` claim's scopes, space-separated; `''` when none. */
  readonly scopes: string;
  /** `client_id` (access token) or `aud` (ID token). */
  readonly clientId: string;
  readonly tokenUse: 'access' | 'id';
  readonly userPoolId: string;
  /**
   * The token's `iss`, as verified: the original or the updated issuer form, or an emulator's
   * issuer. A context without it (an older authorizer) is read as the original form.
   */
  readonly issuer: string;
  readonly isMachine: 'true' | 'false';
  /** `exp`, epoch seconds, as a decimal string. */
  readonly expiresAt: string;
  readonly [extra: string]: string | undefined;
}

/**
 * Keys the authorizer sets itself; a hook that returns one fails the request (a `TypeError`:
 * the authorizer answers `isAuthorized: false` and reports it to `onEvent`).
 *
 * @example
 * ```ts
 * RESERVED_CONTEXT_KEYS.has('groups'); // true
 * ```
 */
export const RESERVED_CONTEXT_KEYS: ReadonlySet<string> = new Set([
  'sub',
  'username',
  'groups',
  'scopes',
  'clientId',
  'tokenUse',
  'userPoolId',
  'issuer',
  'isMachine',
  'expiresAt',
]);

/**
 * Builds the flat `resolverContext` for a verified token, plus the hook's string entries.
 * Throws `CLAIM_TYPE` for a group name that could not be split back exactly (core `joinGroups`).
 *
 * @example
 * ```ts
 * const resolverContext = toResolverContext(auth, { tenant: 'acme' });
 * ```
 */
export function toResolverContext(
  auth: AuthResult,
  extra: Readonly<Record<string, unknown>> | undefined,
): Record<string, string> {
  // Refuses (CLAIM_TYPE) a group that would not split back, before anything is built.
  const groups = joinGroups(auth.groups);
  const context: Record<string, string> = {};
  if (extra !== undefined && extra !== null) {
    for (const [key, value] of Object.entries(extra)) {
      if (value === undefined || value === null) continue;
      // Our own keys are what the resolver guard reads back: a hook that sets one is a bug,
      // refused loudly as the Lambda authorizers refuse a reserved context key.
      if (RESERVED_CONTEXT_KEYS.has(key)) {
        throw new TypeError(`cognito-guard: "${key}" is reserved in the resolverContext`);
      }
      // Flat strings only (see above).
      if (typeof value === 'string') define(context, key, value);
    }
  }
  context.sub = auth.sub;
  if (auth.username !== undefined) context.username = auth.username;
  context.groups = groups;
  context.scopes = auth.scopes.join(' ');
  context.clientId = auth.clientId;
  context.tokenUse = auth.tokenUse;
  context.userPoolId = auth.userPoolId;
  context.issuer = auth.claims.iss;
  context.isMachine = auth.isMachine ? 'true' : 'false';
  context.expiresAt = String(auth.expiresAt);
  return context;
}

/**
 * True when `issuer` is `http(s)://<host>/<poolId>` exactly and `poolId` looks like a pool id,
 * `<name>_<id>` (letters, digits and dashes, then letters and digits): Cognito's, or an
 * emulator's such as cognito-local's `local_...`.
 */
function issuerNamesPool(issuer: string, poolId: string): boolean {
  if (!/^[A-Za-z0-9-]+_[A-Za-z0-9]+$/.test(poolId)) return false;
  const match = /^https?:\/\/[^/\s]+\/([^/\s]+)$/.exec(issuer);
  return match !== null && match[1] === poolId;
}

/** An own data property, whatever the key (`__proto__` included): never a prototype change. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function split(value: string): string[] {
  return value.split(' ').filter((item) => item.length > 0);
}

/**
 * Reads back a `resolverContext` built by {@link toResolverContext} into the fields of an
 * `AuthResult`, with claims rebuilt from it. Throws `CLAIM_TYPE` when it was not built by our
 * authorizer.
 *
 * @example
 * ```ts
 * const auth = fromResolverContext(event.identity.resolverContext);
 * ```
 */
export function fromResolverContext(value: unknown): AuthResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('CLAIM_TYPE', { cause: 'resolverContext is not an object' });
  }
  const context = value as Readonly<Record<string, unknown>>;
  const text = (key: string): string => {
    const item = Object.hasOwn(context, key) ? context[key] : undefined;
    if (typeof item !== 'string') {
      throw new AuthError('CLAIM_TYPE', { cause: `resolverContext.${key} is missing` });
    }
    return item;
  };
  const sub = text('sub');
  const tokenUse = text('tokenUse');
  const clientId = text('clientId');
  const userPoolId = text('userPoolId');
  const expiresText = text('expiresAt');
  const isMachine = text('isMachine');
  const issuer = Object.hasOwn(context, 'issuer') ? text('issuer') : undefined;
  // With the issuer the authorizer verified, the pool id is the one it names (an emulator's
  // pool ids need not name a Region); without it (an older authorizer), `<region>_<id>`,
  // core's grammar of pool ids, and the original issuer form. The same rule as `js/guard.js`.
  const region = regionOfPoolId(userPoolId);
  const poolNamed =
    issuer === undefined ? region !== undefined : issuerNamesPool(issuer, userPoolId);
  if (
    sub.length === 0 ||
    clientId.length === 0 ||
    (tokenUse !== 'access' && tokenUse !== 'id') ||
    !poolNamed ||
    !/^\d{1,15}$/.test(expiresText) ||
    (isMachine !== 'true' && isMachine !== 'false')
  ) {
    throw new AuthError('CLAIM_TYPE', { cause: 'resolverContext was not built by cognito-guard' });
  }
  const username = Object.hasOwn(context, 'username') ? text('username') : undefined;
  const groups = Object.freeze(split(text('groups')));
  const scopes = Object.freeze(split(text('scopes')));
  const expiresAt = Number(expiresText);

  // Claims rebuilt from what the authorizer passed on, so claim policies work the same way in
  // Lambda mode: the standard ones under their claim names, then the hook's entries (strings).
  const claims: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(context)) {
    if (!RESERVED_CONTEXT_KEYS.has(key) && typeof item === 'string') define(claims, key, item);
  }
  claims.sub = sub;
  claims.iss = issuer ?? cognitoIssuer('original', region!, userPoolId);
  claims.token_use = tokenUse;
  claims.exp = expiresAt;
  if (tokenUse === 'access') {
    claims.client_id = clientId;
    if (username !== undefined) claims.username = username;
    if (scopes.length > 0) claims.scope = scopes.join(' ');
  } else {
    claims.aud = clientId;
    if (username !== undefined) claims['cognito:username'] = username;
  }
  if (groups.length > 0) claims['cognito:groups'] = groups;

  // The result by core's rules, with the flag the authorizer computed from the token.
  return authResultFromClaims(claims, userPoolId, { groups, isMachine: isMachine === 'true' });
}
