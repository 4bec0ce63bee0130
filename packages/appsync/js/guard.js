/**
 * cognito-guard for AppSync JavaScript resolvers and functions (the APPSYNC_JS runtime).
 *
 * Checks on `ctx.identity` that call `util.unauthorized()` when they fail: the field resolves to
 * `null` with `errorType: "Unauthorized"`, exactly as a schema directive denial does (AppSync
 * `util.unauthorized()`,
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-util-reference-js.html). They read
 * the identity AppSync verified (Cognito user pools, OIDC with a Cognito pool) or the
 * `resolverContext` of the cognito-guard Lambda authorizer; they verify no token themselves (the
 * runtime cannot: no crypto, no network).
 *
 * Written for the APPSYNC_JS runtime's rules ("Supported runtime features", AWS AppSync
 * developer guide): no `throw`/`try`, no classes, no `while` or C-style `for`, no `continue`,
 * no `in`, no `++`, no regex literals, no async; callbacks only to the array methods the
 * runtime allows. Linted with `@aws-appsync/eslint-plugin` (recommended rules). Shipped as is:
 * bundle it into your resolver with esbuild, `@aws-appsync/utils` external, as the AppSync docs
 * recommend for JS resolvers.
 */
import { util } from '@aws-appsync/utils';

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A space-separated list (`scope`, and our authorizer's `groups`/`scopes`) as an array. */
function words(value) {
  if (typeof value !== 'string') {
    return [];
  }
  return value.split(' ').filter((item) => item.length > 0);
}

function names(value) {
  if (!Array.isArray(value)) {
    return [];
  }
  return value.filter((item) => typeof item === 'string');
}

/** `['a', 'b']` or `'a'` (all of), or `{ allOf, anyOf, noneOf }`. */
function satisfies(held, rule) {
  const list = typeof rule === 'string' ? [rule] : rule;
  const allOf = names(Array.isArray(list) ? list : list?.allOf);
  const anyOf = Array.isArray(list) ? [] : names(list?.anyOf);
  const noneOf = Array.isArray(list) ? [] : names(list?.noneOf);
  if (allOf.length === 0 && anyOf.length === 0 && noneOf.length === 0) {
    // An empty rule is a mistake; refusing is the safe reading of it.
    return false;
  }
  if (!allOf.every((name) => held.includes(name))) {
    return false;
  }
  if (anyOf.length > 0 && !anyOf.some((name) => held.includes(name))) {
    return false;
  }
  return !noneOf.some((name) => held.includes(name));
}

/**
 * The caller as cognito-guard sees it, or `null` when `ctx.identity` holds no Cognito user
 * (API key, IAM, a Lambda authorizer other than cognito-guard's).
 *
 * - Cognito mode: `groups` is `identity.groups`, or `claims['cognito:groups']` when that is
 *   null or absent (it is for users without groups, and in the Amplify simulator).
 * - OIDC mode: `claims['cognito:groups']`.
 * - Lambda mode: the `resolverContext` of the cognito-guard authorizer, whose `groups` and
 *   `scopes` are space-separated strings; `claims` is the `resolverContext` itself (strings).
 *
 * @example
 * const caller = cognitoIdentity(ctx);
 * const owner = caller === null ? null : caller.sub;
 */
export function cognitoIdentity(ctx) {
  const identity = ctx?.identity;
  if (!isObject(identity)) {
    return null;
  }
  if (Object.hasOwn(identity, 'resolverContext')) {
    const context = identity.resolverContext;
    if (!isObject(context) || typeof context.sub !== 'string' || context.sub === '') {
      return null;
    }
    if (context.tokenUse !== 'access' && context.tokenUse !== 'id') {
      return null;
    }
    return {
      mode: 'lambda',
      sub: context.sub,
      username: typeof context.username === 'string' ? context.username : null,
      groups: words(context.groups),
      scopes: words(context.scopes),
      claims: context,
    };
  }
  const claims = identity.claims;
  if (!isObject(claims) || typeof identity.issuer !== 'string') {
    return null;
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    return null;
  }
  const cognito =
    Object.hasOwn(identity, 'defaultAuthStrategy') ||
    Object.hasOwn(identity, 'groups') ||
    Object.hasOwn(identity, 'username');
  const listed = cognito ? names(identity.groups) : [];
  const username = claims.username ?? claims['cognito:username'] ?? identity.username;
  return {
    mode: cognito ? 'cognito' : 'oidc',
    sub: claims.sub,
    username: typeof username === 'string' ? username : null,
    groups: listed.length > 0 ? listed : names(claims['cognito:groups']),
    scopes: words(claims.scope),
    claims,
  };
}

/**
 * Requires a Cognito user (any of the three modes); returns {@link cognitoIdentity}.
 *
 * @example
 * export function request(ctx) {
 *   const caller = requireUser(ctx);
 *   return { operation: 'GetItem', key: util.dynamodb.toMapValues({ owner: caller.sub }) };
 * }
 */
export function requireUser(ctx) {
  const caller = cognitoIdentity(ctx);
  if (caller === null) {
    util.unauthorized();
  }
  return caller;
}

/**
 * Whether the caller's groups satisfy `rule`: a name or a list (all of), or
 * `{ allOf, anyOf, noneOf }`. Exact, case-sensitive names. `false` without a Cognito user.
 *
 * @example
 * const isAdmin = hasGroups(ctx, 'admin');
 */
export function hasGroups(ctx, rule) {
  const caller = cognitoIdentity(ctx);
  return caller !== null && satisfies(caller.groups, rule);
}

/**
 * Whether the caller's scopes satisfy `rule`, as for {@link hasGroups}.
 *
 * @example
 * const canWrite = hasScopes(ctx, { anyOf: ['posts/write', 'posts/admin'] });
 */
export function hasScopes(ctx, rule) {
  const caller = cognitoIdentity(ctx);
  return caller !== null && satisfies(caller.scopes, rule);
}

/**
 * Requires group membership (`cognito:groups`): a name or a list (all of), or
 * `{ allOf, anyOf, noneOf }`. Calls `util.unauthorized()` otherwise; returns the caller.
 *
 * @example
 * export function request(ctx) {
 *   requireGroups(ctx, { anyOf: ['admin', 'editor'], noneOf: ['suspended'] });
 *   return {};
 * }
 */
export function requireGroups(ctx, rule) {
  const caller = requireUser(ctx);
  if (!satisfies(caller.groups, rule)) {
    util.unauthorized();
  }
  return caller;
}

/**
 * Requires OAuth scopes (the access token's `scope`), as {@link requireGroups} does groups.
 *
 * @example
 * requireScopes(ctx, ['posts/read']);
 */
export function requireScopes(ctx, rule) {
  const caller = requireUser(ctx);
  if (!satisfies(caller.scopes, rule)) {
    util.unauthorized();
  }
  return caller;
}

/**
 * Requires exact claim values: every `name: value` pair of `expected` must be an own claim with
 * that value (`===`). In Lambda mode the claims are the authorizer's `resolverContext` strings.
 *
 * @example
 * requireClaims(ctx, { 'custom:tenant': ctx.args.tenant });
 */
export function requireClaims(ctx, expected) {
  const caller = requireUser(ctx);
  if (!isObject(expected) || Object.keys(expected).length === 0) {
    util.unauthorized();
  }
  for (const [name, value] of Object.entries(expected)) {
    if (!Object.hasOwn(caller.claims, name) || caller.claims[name] !== value) {
      util.unauthorized();
    }
  }
  return caller;
}

/**
 * Whether a result is a denial of the cognito-guard resolver guard (`withAuth` with
 * `deny: 'envelope'`, or a batch item): `{ data: null, errorType, errorMessage }`.
 *
 * @example
 * if (isDenial(ctx.result)) console.log('denied by the Lambda guard');
 */
export function isDenial(result) {
  return (
    isObject(result) &&
    (result.errorType === 'Unauthorized' || result.errorType === 'ServiceUnavailable') &&
    typeof result.errorMessage === 'string'
  );
}

/**
 * In a response handler after a Lambda guarded by `withAuth(..., { deny: 'envelope' })`: turns
 * its denial into `util.unauthorized()` (or `util.error()` when the keys were unavailable);
 * returns any other result unchanged.
 *
 * @example
 * export function response(ctx) {
 *   return raiseOnDenial(ctx.result);
 * }
 */
export function raiseOnDenial(result) {
  if (isDenial(result)) {
    if (result.errorType === 'Unauthorized') {
      util.unauthorized();
    }
    util.error(result.errorMessage, result.errorType);
  }
  return result;
}
