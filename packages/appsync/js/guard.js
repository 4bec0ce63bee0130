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

// Character sets for the grammar checks below (the runtime has no regular expressions).
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = LOWER + LOWER.toUpperCase() + DIGITS;

function own(record, key) {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** True when `text` is one or more characters, all from `set`. */
function onlyOf(text, set) {
  return text.length > 0 && text.split('').every((char) => set.includes(char));
}

/** A Region as AWS names them: `us-east-1`, `us-gov-west-1`, `eusc-de-east-1`. */
function isRegion(text) {
  const parts = text.split('-');
  const start = parts[0] === 'eusc' ? 1 : 0;
  const geo = parts[start];
  if (geo === undefined || geo.length !== 2 || !onlyOf(geo, LOWER)) {
    return false;
  }
  const name = parts[start + 1] === 'gov' && parts.length === start + 4 ? start + 2 : start + 1;
  return (
    parts.length === name + 2 &&
    onlyOf(parts[name], LOWER) &&
    parts[name + 1].length === 1 &&
    onlyOf(parts[name + 1], DIGITS)
  );
}

/** The primary Region of a pool id `<region>_<id>`, or `null`. */
function regionOfPool(poolId) {
  if (typeof poolId !== 'string') {
    return null;
  }
  const cut = poolId.indexOf('_');
  if (cut < 0) {
    return null;
  }
  const region = poolId.slice(0, cut);
  return isRegion(region) && onlyOf(poolId.slice(cut + 1), ALNUM) ? region : null;
}

/**
 * The pool a Cognito issuer names, or `null`: `https://cognito-idp.<region>.amazonaws.com/<pool>`
 * (the pool's Region, or a replica's on the original issuer type) or
 * `https://issuer-cognito-idp.<primary region>.amazonaws.com/<pool>` (the updated issuer type,
 * Amazon Cognito API reference, `IssuerConfigurationType`). The same grammar as
 * `authFromIdentity` of the Lambda guard.
 */
function poolOfIssuer(issuer) {
  const updated = issuer.startsWith('https://issuer-cognito-idp.');
  const prefix = updated ? 'https://issuer-cognito-idp.' : 'https://cognito-idp.';
  if (!issuer.startsWith(prefix)) {
    return null;
  }
  const rest = issuer.slice(prefix.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? '' : rest.slice(0, slash);
  const suffix = '.amazonaws.com';
  if (!host.endsWith(suffix)) {
    return null;
  }
  const region = host.slice(0, host.length - suffix.length);
  const poolId = rest.slice(slash + 1);
  const primary = regionOfPool(poolId);
  if (!isRegion(region) || primary === null || (updated && region !== primary)) {
    return null;
  }
  return poolId;
}

/** An own list of strings, `[]` for null or absent, `null` for anything else. */
function stringList(value) {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}

/**
 * The pool id of a `resolverContext` is the one its `issuer` (the token's verified `iss`) names:
 * `http(s)://<host>/<pool id>` exactly, the pool id `<name>_<id>` (letters, digits and dashes,
 * then letters and digits: Cognito's, or an emulator's such as `local_...`). Without an issuer
 * (an older authorizer), a Cognito pool id, `<region>_<id>`.
 */
function namesPool(context) {
  const issuer = own(context, 'issuer');
  const poolId = context.userPoolId;
  if (issuer === undefined) {
    return regionOfPool(poolId) !== null;
  }
  const cut = poolId.indexOf('_');
  if (
    typeof issuer !== 'string' ||
    cut <= 0 ||
    !onlyOf(poolId.slice(0, cut), `${ALNUM}-`) ||
    !onlyOf(poolId.slice(cut + 1), ALNUM)
  ) {
    return false;
  }
  const scheme = issuer.startsWith('https://') ? 8 : issuer.startsWith('http://') ? 7 : 0;
  const rest = issuer.slice(scheme);
  const slash = rest.indexOf('/');
  return scheme > 0 && slash > 0 && rest.slice(slash + 1) === poolId;
}

/** Lambda mode: the `resolverContext` the cognito-guard authorizer built, or `null`. */
function fromResolverContext(context) {
  if (!isObject(context)) {
    return null;
  }
  const keys = ['sub', 'tokenUse', 'clientId', 'userPoolId', 'expiresAt', 'isMachine'];
  const lists = ['groups', 'scopes'];
  if (!keys.concat(lists).every((key) => typeof own(context, key) === 'string')) {
    return null;
  }
  const username = own(context, 'username');
  const expiresAt = context.expiresAt;
  if (
    context.sub === '' ||
    context.clientId === '' ||
    (context.tokenUse !== 'access' && context.tokenUse !== 'id') ||
    !namesPool(context) ||
    expiresAt.length > 15 ||
    !onlyOf(expiresAt, DIGITS) ||
    (context.isMachine !== 'true' && context.isMachine !== 'false') ||
    (username !== undefined && typeof username !== 'string')
  ) {
    return null;
  }
  return {
    mode: 'lambda',
    sub: context.sub,
    username: username === undefined ? null : username,
    groups: words(context.groups),
    scopes: words(context.scopes),
    claims: context,
  };
}

/** Cognito and OIDC modes: the token AppSync verified, from a Cognito pool only, or `null`. */
function fromClaims(identity, mode) {
  const claims = identity.claims;
  const issuer = identity.issuer;
  const iss = own(claims, 'iss');
  if ((iss !== undefined && iss !== issuer) || poolOfIssuer(issuer) === null) {
    return null;
  }
  const sub = own(claims, 'sub');
  const identitySub = own(identity, 'sub');
  const tokenUse = own(claims, 'token_use');
  if (typeof sub !== 'string' || sub === '' || (identitySub !== undefined && identitySub !== sub)) {
    return null;
  }
  if (tokenUse !== 'access' && tokenUse !== 'id') {
    return null;
  }
  const clientId = own(claims, tokenUse === 'access' ? 'client_id' : 'aud');
  const exp = own(claims, 'exp');
  const scope = own(claims, 'scope');
  if (typeof clientId !== 'string' || clientId === '' || !Number.isFinite(exp)) {
    return null;
  }
  if (scope !== undefined && typeof scope !== 'string') {
    return null;
  }
  const claimUsername = own(claims, tokenUse === 'access' ? 'username' : 'cognito:username');
  const username = claimUsername ?? (mode === 'cognito' ? own(identity, 'username') : undefined);
  if (username !== undefined && typeof username !== 'string') {
    return null;
  }
  const listed = mode === 'cognito' ? stringList(own(identity, 'groups')) : [];
  const fromClaim = stringList(own(claims, 'cognito:groups'));
  if (listed === null || fromClaim === null) {
    return null;
  }
  return {
    mode,
    sub,
    username: username === undefined ? null : username,
    groups: listed.length > 0 ? listed : fromClaim,
    scopes: words(scope),
    claims,
  };
}

/**
 * The caller as cognito-guard sees it, or `null` when `ctx.identity` holds no Cognito user
 * (API key, IAM, an OIDC provider other than a Cognito pool, a Lambda authorizer other than
 * cognito-guard's) or a malformed one. It accepts exactly the identities `authFromIdentity`
 * of the Lambda resolver guard accepts, and reads the same fields from them.
 *
 * - Cognito mode: `groups` is `identity.groups`, or `claims['cognito:groups']` when that is
 *   null, absent or empty (it is for users without groups, and in the Amplify simulator).
 * - OIDC mode: only a Cognito pool as the provider (any issuer form); `claims['cognito:groups']`.
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
    return fromResolverContext(identity.resolverContext);
  }
  if (!isObject(own(identity, 'claims')) || typeof own(identity, 'issuer') !== 'string') {
    return null;
  }
  const cognito =
    Object.hasOwn(identity, 'defaultAuthStrategy') ||
    Object.hasOwn(identity, 'groups') ||
    Object.hasOwn(identity, 'username');
  return fromClaims(identity, cognito ? 'cognito' : 'oidc');
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

/** A string field of the IAM identity: `null` when absent, null or empty; `undefined` when not a string. */
function iamField(identity, name) {
  const value = own(identity, name);
  if (value === undefined || value === null || value === '') {
    return null;
  }
  return typeof value === 'string' ? value : undefined;
}

/** One provider entry without the double quotes some AppSync events put around it. */
function unquote(entry) {
  return entry.length >= 2 && entry.startsWith('"') && entry.endsWith('"')
    ? entry.slice(1, -1)
    : entry;
}

/**
 * A user-pool provider entry, `cognito-idp.<region>.amazonaws.com/<poolId>` with an optional
 * `:CognitoSignIn:<sub>`: `{ provider, poolId, sub }`, or `null` when it is not well formed or
 * names a pool outside its Region.
 */
function userPoolEntry(entry) {
  const rest = entry.slice('cognito-idp.'.length);
  const slash = rest.indexOf('/');
  const host = slash < 0 ? '' : rest.slice(0, slash);
  const suffix = '.amazonaws.com';
  if (!host.endsWith(suffix)) {
    return null;
  }
  const region = host.slice(0, host.length - suffix.length);
  const tail = rest.slice(slash + 1);
  const marker = ':CognitoSignIn:';
  const at = tail.indexOf(marker);
  const poolId = at < 0 ? tail : tail.slice(0, at);
  const sub = at < 0 ? null : tail.slice(at + marker.length);
  if (regionOfPool(poolId) !== region || (sub !== null && (sub === '' || sub.includes(':')))) {
    return null;
  }
  return { provider: `cognito-idp.${region}.amazonaws.com/${poolId}`, poolId, sub };
}

/** The providers and user-pool login of a provider string, or `null` when it is forged or malformed. */
function parseProviders(text) {
  const providers = [];
  let poolId = null;
  let sub = null;
  let bad = false;
  // Either the whole string or each entry may be quoted: `"a,b"` or `"a","b"`.
  const inner = text.length >= 2 ? text.slice(1, -1) : '';
  const whole = text.startsWith('"') && text.endsWith('"') && !inner.includes('"') ? inner : text;
  for (const raw of whole.split(',')) {
    const entry = unquote(raw);
    if (entry.startsWith('cognito-idp.')) {
      const parsed = userPoolEntry(entry);
      if (parsed === null || (poolId !== null && poolId !== parsed.poolId)) {
        bad = true;
      } else {
        poolId = parsed.poolId;
        if (parsed.sub !== null) {
          bad = bad || (sub !== null && sub !== parsed.sub);
          sub = parsed.sub;
        }
        if (!providers.includes(parsed.provider)) {
          providers.push(parsed.provider);
        }
      }
    } else {
      const colon = entry.indexOf(':');
      const provider = colon < 0 ? entry : entry.slice(0, colon);
      bad = bad || provider === '';
      if (provider !== '' && !providers.includes(provider)) {
        providers.push(provider);
      }
    }
  }
  if (bad) {
    return null;
  }
  return {
    providers,
    userPool: poolId !== null && sub !== null ? { userPoolId: poolId, sub } : null,
  };
}

/**
 * The caller of an `AWS_IAM` request, or `null` when `ctx.identity` is not an IAM identity or is
 * malformed: `{ kind: 'cognito-identity', identityId, identityPoolId, guest, providers,
 * userPool, userArn }` for identity-pool credentials (guests marked; a user-pool login's pool
 * and `sub` read from `cognitoIdentityAuthProvider`, which must name one pool in its own
 * Region), or `{ kind: 'iam', userArn }` for a plain IAM user or role. The same reading as
 * `iamCallerFromEvent` of `@cognito-guard/core`.
 *
 * @example
 * const caller = iamCaller(ctx);
 * const isGuest = caller !== null && caller.kind === 'cognito-identity' && caller.guest;
 */
export function iamCaller(ctx) {
  const identity = ctx?.identity;
  if (!isObject(identity) || !Object.hasOwn(identity, 'userArn')) {
    return null;
  }
  const fields = [
    'userArn',
    'cognitoIdentityPoolId',
    'cognitoIdentityId',
    'cognitoIdentityAuthType',
    'cognitoIdentityAuthProvider',
  ].map((name) => iamField(identity, name));
  if (fields.some((value) => value === undefined)) {
    return null;
  }
  const [userArn, poolId, identityId, authType, provider] = fields;
  if (poolId === null && identityId === null && authType === null) {
    return userArn === null ? null : { kind: 'iam', userArn };
  }
  if (poolId === null || identityId === null) {
    return null;
  }
  const base = { kind: 'cognito-identity', identityId, identityPoolId: poolId, userArn };
  if (authType === 'unauthenticated' && provider === null) {
    return { ...base, guest: true, providers: [], userPool: null };
  }
  if (authType !== 'authenticated') {
    return null;
  }
  const parsed = provider === null ? { providers: [], userPool: null } : parseProviders(provider);
  if (parsed === null) {
    return null;
  }
  return { ...base, guest: false, providers: parsed.providers, userPool: parsed.userPool };
}

/**
 * Requires an identity-pool caller of one of `options.identityPoolId` (a pool id or a list),
 * signed in unless `options.allowGuests` is true; plain IAM principals, other pools and
 * malformed identities call `util.unauthorized()`. Returns the caller.
 *
 * @example
 * export function request(ctx) {
 *   const caller = requireIamIdentity(ctx, { identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab', allowGuests: true });
 *   return {};
 * }
 */
export function requireIamIdentity(ctx, options) {
  const caller = iamCaller(ctx);
  const pools = names(
    typeof options?.identityPoolId === 'string'
      ? [options.identityPoolId]
      : options?.identityPoolId,
  );
  if (
    caller === null ||
    caller.kind !== 'cognito-identity' ||
    !pools.includes(caller.identityPoolId) ||
    (caller.guest && options?.allowGuests !== true)
  ) {
    util.unauthorized();
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
