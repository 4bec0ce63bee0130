import { type AuthResult, joinGroups } from '@cognito-guard/core';

/**
 * The `context` an authorizer hands to the integration.
 *
 * REST, WebSocket and every IAM-policy response: values must be string, number or boolean;
 * "You cannot set a JSON object or array as a valid value of any key in the context map", and a
 * badly typed context is a 500 (AWS, api-gateway-lambda-authorizer-output.html).
 * HTTP API simple responses (payload 2.0) also carry arrays and maps (the docs example has
 * `arrayKey` and `mapKey`, http-api-lambda-authorizer.md), so there `scopes` and `groups` stay
 * arrays.
 *
 * | key          | scalar (REST, WebSocket, IAM)        | rich (HTTP API simple)        |
 * |--------------|--------------------------------------|-------------------------------|
 * | `sub`        | string                               | string                        |
 * | `username`   | string, absent for machine tokens    | same                          |
 * | `clientId`   | string                               | string                        |
 * | `tokenUse`   | `'access'` or `'id'`                 | same                          |
 * | `userPoolId` | string                               | string                        |
 * | `scopes`     | space-joined string (`'a/read b/write'`) | string[]                  |
 * | `groups`     | space-joined string (`'admin staff'`) | string[]                     |
 * | `isMachine`  | boolean                              | boolean                       |
 * | `expiresAt`  | number (epoch seconds)               | number                        |
 *
 * Space-joined because neither may contain a space: scope tokens exclude it (RFC 6749 §3.3) and
 * Cognito group names are `[\p{L}\p{M}\p{S}\p{N}\p{P}]+` (CreateGroup API reference), which
 * allows commas but no whitespace. `split(' ')` gets the list back: core's `joinGroups` refuses
 * (`CLAIM_TYPE`) a token whose groups would not split back, such as `'readers admin'`.
 */

/**
 * Context values REST and IAM responses accept.
 *
 * @example
 * ```ts
 * const value: ContextValue = 'acme';
 * ```
 */
export type ContextValue = string | number | boolean;

/**
 * A flat context: what REST authorizers may return and what the `context` hook returns.
 *
 * @example
 * ```ts
 * const context: AuthorizerContext = { tenant: 'acme', tier: 2, beta: true };
 * ```
 */
export type AuthorizerContext = Record<string, ContextValue>;

/**
 * The context of HTTP API simple responses: scalars, plus `scopes` and `groups` as arrays.
 *
 * @example
 * ```ts
 * const { groups } = event.requestContext.authorizer.lambda as RichAuthorizerContext;
 * ```
 */
export type RichAuthorizerContext = Record<string, ContextValue | readonly string[]>;

/**
 * Adds keys to the default context; its keys win. Values must be string, number or boolean.
 *
 * @example
 * ```ts
 * const context: ContextHook = (auth) => ({ tenant: String(auth.claims['custom:tenant'] ?? '') });
 * ```
 */
export type ContextHook = (auth: AuthResult) => AuthorizerContext;

function base(auth: AuthResult): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {
    sub: auth.sub,
    clientId: auth.clientId,
    tokenUse: auth.tokenUse,
    userPoolId: auth.userPoolId,
    isMachine: auth.isMachine,
    expiresAt: auth.expiresAt,
  };
  if (auth.username !== undefined) out.username = auth.username;
  return out;
}

function custom(
  auth: AuthResult,
  hook: ContextHook | undefined,
  reserved: readonly string[],
): AuthorizerContext {
  if (hook === undefined) return {};
  const added = hook(auth);
  if (typeof added !== 'object' || added === null || Array.isArray(added)) {
    throw new TypeError('cognito-guard: the context hook must return an object');
  }
  const out: AuthorizerContext = {};
  for (const [key, value] of Object.entries(added)) {
    // Dropped rather than sent: API Gateway rejects null context values (the output page
    // above allows strings, numbers and booleans only).
    if (value === undefined || value === null) continue;
    if (reserved.includes(key)) {
      throw new TypeError(`cognito-guard: "${key}" is reserved in this authorizer's context`);
    }
    const ok =
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      // A 500 here, rather than the AuthorizerConfigurationException API Gateway would give.
      throw new TypeError(
        `cognito-guard: context "${key}" must be a string, a finite number or a boolean`,
      );
    }
    out[key] = value;
  }
  return out;
}

/**
 * The flat context for REST, WebSocket and IAM-policy responses. `reserved` lists keys the
 * surface forbids (HTTP APIs reserve `claims`, http-api-lambda-authorizer.md).
 *
 * @example
 * ```ts
 * scalarContext(auth, (a) => ({ tenant: String(a.claims['custom:tenant']) }));
 * // { sub, clientId, tokenUse, userPoolId, isMachine, expiresAt, username, scopes: 'a b', groups: 'x', tenant }
 * ```
 */
export function scalarContext(
  auth: AuthResult,
  hook?: ContextHook,
  reserved: readonly string[] = [],
): AuthorizerContext {
  return {
    ...base(auth),
    scopes: auth.scopes.join(' '),
    // Refuses (CLAIM_TYPE, a 500 here) a group that `split(' ')` would not give back.
    groups: joinGroups(auth.groups),
    ...custom(auth, hook, reserved),
  };
}

/**
 * The context for HTTP API simple responses: like {@link scalarContext}, with `scopes` and
 * `groups` as arrays.
 *
 * @example
 * ```ts
 * richContext(auth).groups; // ['admin', 'staff']
 * ```
 */
export function richContext(
  auth: AuthResult,
  hook?: ContextHook,
  reserved: readonly string[] = [],
): RichAuthorizerContext {
  // Arrays need no separator, but a token must not pass here and be refused elsewhere.
  joinGroups(auth.groups);
  return {
    ...base(auth),
    scopes: [...auth.scopes],
    groups: [...auth.groups],
    ...custom(auth, hook, reserved),
  };
}
