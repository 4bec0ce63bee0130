import type { AuthResult, ErrorCode, Policy, Verifier } from '@cognito-guard/core';
import {
  notifyHook,
  type OptionKeyList,
  renamedOption,
  toVerifier,
  type VerifierSource,
} from '@cognito-guard/core/http';
import type { ContextHook } from './context.js';
import {
  compileRoutes,
  type DefaultPolicy,
  type RouteRules,
  type RouteTable,
} from './route-rules.js';

/**
 * Which factory built the authorizer; reported in every {@link AuthorizerEvent}.
 *
 * @example
 * ```ts
 * const kind: AuthorizerKind = 'rest-token';
 * ```
 */
export type AuthorizerKind = 'rest-token' | 'rest-request' | 'http-api' | 'websocket';

/**
 * What an authorizer decided, for logs and metrics. Never carries the token.
 *
 * - `allow`: the returned policy (or simple response) allows the current request.
 * - `deny`: authenticated but refused (403); `route` is the rule that refused, `undefined` for
 *   `policy` or an unlisted route under `defaultPolicy`.
 * - `unauthorized`: no usable token; the authorizer threw `Unauthorized` (401).
 * - `error`: the authorizer threw anything else (500, not cached), e.g. `JWKS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const onEvent = (e: AuthorizerEvent) => {
 *   if (e.type === 'deny') metrics.count(`denied.${e.code}`);
 * };
 * ```
 */
export type AuthorizerEvent =
  | {
      readonly type: 'allow';
      readonly authorizer: AuthorizerKind;
      readonly principalId: string;
    }
  | {
      readonly type: 'deny';
      readonly authorizer: AuthorizerKind;
      readonly principalId: string;
      readonly code: ErrorCode;
      readonly route: string | undefined;
    }
  | {
      readonly type: 'unauthorized';
      readonly authorizer: AuthorizerKind;
      readonly code: ErrorCode;
    }
  | {
      readonly type: 'error';
      readonly authorizer: AuthorizerKind;
      readonly code: ErrorCode | undefined;
    };

/**
 * Options every authorizer takes.
 *
 * @example
 * ```ts
 * const options: AuthorizerOptions = { verifier, policy: requireUser(), allowBareToken: false };
 * ```
 */
export interface AuthorizerOptions {
  /**
   * A verifier from `createVerifier`, or its options: then the verifier is created once, when
   * the factory runs (module scope), so its JWKS and token caches live across invocations.
   */
  readonly verifier: VerifierSource;
  /** A policy every request must satisfy, whatever the route; a refusal denies the whole stage. */
  readonly policy?: Policy;
  /**
   * The old name of `policy`: still read, with a one-time deprecation warning.
   *
   * @deprecated Use `policy`, the name every cognito-guard authorizer and guard uses.
   */
  readonly require?: Policy;
  /** Accept a token without the `Bearer ` scheme (the raw header value). Default `true`. */
  readonly allowBareToken?: boolean;
  /** Adds keys to the context handed to the integration. */
  readonly context?: ContextHook;
  /** Observability hook; exceptions it throws are ignored. */
  readonly onEvent?: (event: AuthorizerEvent) => void;
}

/**
 * The keys of {@link AuthorizerOptions}, as an `optionKeys` list: each factory spreads it into
 * its own, so the compile-time check still covers the whole options type.
 *
 * @example
 * ```ts
 * const keys = optionKeys<WebSocketAuthorizerOptions>({ ...AUTHORIZER_KEYS, tokenSource: true });
 * ```
 */
export const AUTHORIZER_KEYS: OptionKeyList<AuthorizerOptions> = Object.freeze({
  verifier: true,
  policy: true,
  require: true,
  allowBareToken: true,
  context: true,
  onEvent: true,
});

/**
 * Route rules: for the authorizers that answer with an IAM policy covering every route.
 *
 * @example
 * ```ts
 * const options: RoutingOptions = { routes: { 'GET /orders': 'authenticated' }, defaultPolicy: 'deny' };
 * ```
 */
export interface RoutingOptions {
  /** `'<METHOD> <path>'` → rule. Without routes, any valid token may call every route. */
  readonly routes?: RouteRules;
  /**
   * For requests no route matches. Default `'deny'`: a route nobody listed is not open to
   * every token of the pool, and the 403 makes the gap visible. Only with `routes`.
   */
  readonly defaultPolicy?: DefaultPolicy;
}

/**
 * The options of one authorizer after validation.
 *
 * @example
 * ```ts
 * const resolved: ResolvedOptions = resolveOptions('websocket', { verifier });
 * ```
 */
export interface ResolvedOptions {
  readonly kind: AuthorizerKind;
  readonly verifier: Verifier;
  readonly policy: Policy | undefined;
  readonly allowBareToken: boolean;
  readonly context: ContextHook | undefined;
  emit(event: AuthorizerEvent): void;
}

/**
 * The keys of {@link RoutingOptions}, as an `optionKeys` list.
 *
 * @example
 * ```ts
 * const keys = optionKeys<RestTokenAuthorizerOptions>({ ...AUTHORIZER_KEYS, ...ROUTING_KEYS, usageIdentifierKey: true });
 * ```
 */
export const ROUTING_KEYS: OptionKeyList<RoutingOptions> = Object.freeze({
  routes: true,
  defaultPolicy: true,
});

function configError(message: string): TypeError {
  return new TypeError(`cognito-guard: ${message}`);
}

/**
 * Validates the options every authorizer shares and creates the verifier if options were
 * given. Runs at factory time: configuration errors throw here, never during a request.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions('rest-token', { verifier: { userPoolId, clientId, tokenUse: 'access' } });
 * ```
 */
export function resolveOptions(kind: AuthorizerKind, options: AuthorizerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw configError('authorizer options must be an object');
  }
  if (options.verifier === undefined || options.verifier === null) {
    throw configError('verifier is required: a verifier from createVerifier, or its options');
  }
  const verifier = toVerifier(options.verifier);
  const policy = renamedOption<Policy>(
    options,
    'require',
    'policy',
    'COGNITO_GUARD_DEP_LAMBDA_REQUIRE',
    'the Lambda authorizers',
  );
  if (policy !== undefined && typeof policy !== 'function') {
    throw configError('policy must be a policy (requireScopes, requireGroups, ...)');
  }
  if (options.allowBareToken !== undefined && typeof options.allowBareToken !== 'boolean') {
    throw configError('allowBareToken must be a boolean');
  }
  if (options.context !== undefined && typeof options.context !== 'function') {
    throw configError('context must be a function of the verified token');
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw configError('onEvent must be a function');
  }
  const onEvent = options.onEvent;
  return {
    kind,
    verifier,
    policy,
    allowBareToken: options.allowBareToken ?? true,
    context: options.context,
    emit: (event) => notifyHook(onEvent, event),
  };
}

/**
 * Compiles `routes` once, or returns `undefined` when there are none.
 *
 * @example
 * ```ts
 * const table = resolveRoutes({ routes: { 'GET /orders': requireScopes('orders/read') } });
 * ```
 */
export function resolveRoutes(options: RoutingOptions): RouteTable | undefined {
  if (options.routes === undefined) {
    if (options.defaultPolicy !== undefined) {
      throw configError(
        'defaultPolicy applies to routes no rule matches; without routes, use policy',
      );
    }
    return undefined;
  }
  return compileRoutes(options.routes, options.defaultPolicy ?? 'deny');
}

/**
 * Runs the `usageIdentifierKey` option; only strings are sent.
 *
 * @example
 * ```ts
 * usageKey((auth) => auth.clientId, auth); // { usageIdentifierKey: auth.clientId }
 * ```
 */
export function usageKey(
  hook: ((auth: AuthResult) => string | undefined) | undefined,
  auth: AuthResult,
): { usageIdentifierKey: string } | Record<string, never> {
  if (hook === undefined) return {};
  const key = hook(auth);
  if (key === undefined) return {};
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('cognito-guard: usageIdentifierKey must return a non-empty string');
  }
  return { usageIdentifierKey: key };
}
