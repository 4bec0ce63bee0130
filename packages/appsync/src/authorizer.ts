import {
  AuthError,
  type AuthResult,
  checkPolicy,
  type ErrorCode,
  isAuthError,
  type Policy,
} from '@cognito-guard/core';
import {
  checkOptionKeys,
  extractBearerToken,
  notifyHook,
  optionKeys,
  renamedOption,
  toVerifier,
  type VerifierSource,
  verifierClock,
} from '@cognito-guard/core/http';
import type {
  AppSyncAuthorizerRequest,
  AppSyncAuthorizerRequestContext,
  AppSyncAuthorizerResponse,
} from './events.js';
import { compileFieldRules, type FieldRules } from './field-rules.js';
import { toResolverContext } from './resolver-context.js';

/**
 * A rule on the request itself (operation, variables, headers) rather than on the token alone.
 * Throw an `AuthError` (or anything: it counts as `CLAIM_CHECK`) to refuse the request.
 *
 * AppSync caches an authorizer's answer by token, for every operation sent with it
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, `AWS_LAMBDA`
 * authorization), so when this rule is set every answer carries `ttlOverride: 0`.
 *
 * @example
 * ```ts
 * const noIntrospection: RequestPolicy = (_auth, request) => {
 *   if (request.queryString?.includes('__schema')) throw new AuthError('CLAIM_CHECK');
 * };
 * ```
 */
export type RequestPolicy = (
  auth: AuthResult,
  request: AppSyncAuthorizerRequestContext,
  headers: Readonly<Record<string, string | undefined>>,
) => void | Promise<void>;

/**
 * What the authorizer decided, for logs and metrics. Never the token.
 *
 * @example
 * ```ts
 * onEvent: (d) => { if (!d.isAuthorized) metrics.count(`appsync.denied.${d.code}`); }
 * ```
 */
export type AuthorizerDecision =
  | {
      readonly isAuthorized: true;
      readonly sub: string;
      readonly deniedFields: readonly string[];
      readonly ttlOverride: number;
    }
  | {
      readonly isAuthorized: false;
      /** The refusal's code; `undefined` when a hook of the application threw. */
      readonly code: ErrorCode | undefined;
      /** The `AuthError`, or what an application hook threw. */
      readonly error: unknown;
    };

/**
 * Options of {@link createAppSyncAuthorizer}.
 *
 * @example
 * ```ts
 * const options: AppSyncAuthorizerOptions = {
 *   verifier: { userPoolId: 'us-east-1_Example', clientId: 'app-client-id', tokenUse: 'access' },
 *   fields: { 'Mutation.deletePost': requireGroups('admin') },
 * };
 * ```
 */
export interface AppSyncAuthorizerOptions {
  /** A verifier, or its options; created once, here. */
  readonly verifier: VerifierSource;
  /** Must hold for `isAuthorized: true` (e.g. `requireScopes('posts/read')`). */
  readonly policy?: Policy | undefined;
  /** Per-field rules: a field whose policy fails goes into `deniedFields`. */
  readonly fields?: FieldRules | undefined;
  /** A rule that reads the operation, variables or headers; forces `ttlOverride: 0`. */
  readonly requestPolicy?: RequestPolicy | undefined;
  /**
   * The longest AppSync may cache an answer, 0 to 3600 seconds (the range of
   * `authorizerResultTtlInSeconds`, `LambdaAuthorizerConfig` API reference). Always capped at
   * the token's remaining lifetime. Default 300.
   */
  readonly ttlSeconds?: number | undefined;
  /**
   * Extra `resolverContext` entries (strings only). Returning one of our own keys (`sub`,
   * `groups`, ...) is a bug: the request is refused and `onEvent` gets the `TypeError`.
   */
  readonly resolverContext?: ((auth: AuthResult) => Readonly<Record<string, string>>) | undefined;
  /** Epoch milliseconds, for the token's remaining lifetime. Default: the verifier options' clock, else `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Called with every decision; exceptions it throws are ignored. */
  readonly onEvent?: ((decision: AuthorizerDecision) => void) | undefined;
  /**
   * The old name of `onEvent`: still read, with a one-time deprecation warning.
   *
   * @deprecated Use `onEvent`, the name of the observability hook in every cognito-guard package.
   */
  readonly onDecision?: ((decision: AuthorizerDecision) => void) | undefined;
}

/** The keys of {@link AppSyncAuthorizerOptions}: anything else is refused. */
const AUTHORIZER_KEYS = optionKeys<AppSyncAuthorizerOptions>({
  verifier: true,
  policy: true,
  fields: true,
  requestPolicy: true,
  ttlSeconds: true,
  resolverContext: true,
  clock: true,
  onEvent: true,
  onDecision: true,
});

/**
 * An AppSync Lambda authorizer handler: `export const handler = createAppSyncAuthorizer(...)`.
 * It never throws; every failure is `isAuthorized: false`.
 *
 * @example
 * ```ts
 * const result = await handler({ authorizationToken: 'Bearer eyJ...', requestContext: { apiId: 'abc' } });
 * ```
 */
export type AppSyncAuthorizerHandler = (
  event: AppSyncAuthorizerRequest,
  context?: unknown,
) => Promise<AppSyncAuthorizerResponse>;

const DEFAULT_TTL_SECONDS = 300;
const MAX_TTL_SECONDS = 3600;

/** Every refusal looks the same to AppSync: 401, never cached (SECURITY.md, decision 7). */
function refused(): AppSyncAuthorizerResponse {
  return { isAuthorized: false, resolverContext: {}, ttlOverride: 0 };
}

/**
 * Creates the Lambda authorizer of an AppSync API's `AWS_LAMBDA` auth mode.
 *
 * It reads the Cognito token from `authorizationToken`, raw or `Bearer `-prefixed (an API that
 * also has Cognito or OIDC modes needs the prefix to tell the modes apart,
 * aws-amplify/amplify-js#9513), verifies it, checks `policy`, and answers:
 *
 * - `isAuthorized: true` with a flat-string `resolverContext` (sub, username, groups, scopes,
 *   clientId, tokenUse, userPoolId, isMachine, expiresAt, plus the hook's entries), the fields
 *   whose rule failed in `deniedFields`, and `ttlOverride` = min(`ttlSeconds`, seconds left in
 *   the token), or 0 when `requestPolicy` is set;
 * - `isAuthorized: false`, `ttlOverride: 0` for everything else: no or bad token, a policy
 *   refusal, a JWKS outage, a hook that threw.
 *
 * @example
 * ```ts
 * import { requireGroups } from '@cognito-guard/core';
 * import { createAppSyncAuthorizer } from '@cognito-guard/appsync';
 *
 * export const handler = createAppSyncAuthorizer({
 *   verifier: { userPoolId: process.env.USER_POOL_ID!, clientId: process.env.CLIENT_ID!, tokenUse: 'access' },
 *   fields: { 'Mutation.deletePost': requireGroups('admin') },
 * });
 * ```
 */
export function createAppSyncAuthorizer(
  options: AppSyncAuthorizerOptions,
): AppSyncAuthorizerHandler {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: createAppSyncAuthorizer takes an options object');
  }
  checkOptionKeys(options, AUTHORIZER_KEYS, 'createAppSyncAuthorizer');
  const verifier = toVerifier(options.verifier);
  const fields = compileFieldRules(options.fields);
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new TypeError(
      `cognito-guard: ttlSeconds must be an integer from 0 to ${MAX_TTL_SECONDS}`,
    );
  }
  for (const name of [
    'policy',
    'requestPolicy',
    'resolverContext',
    'clock',
    'onEvent',
    'onDecision',
  ] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new TypeError(`cognito-guard: ${name} must be a function`);
    }
  }
  const { policy, requestPolicy } = options;
  const onEvent = renamedOption<(decision: AuthorizerDecision) => void>(
    options,
    'onDecision',
    'onEvent',
    'COGNITO_GUARD_DEP_APPSYNC_ONDECISION',
    'createAppSyncAuthorizer',
  );
  const contextHook = options.resolverContext;
  const clock = options.clock ?? verifierClock(verifier);

  const report = (decision: AuthorizerDecision): void => notifyHook(onEvent, decision);

  async function decide(event: AppSyncAuthorizerRequest): Promise<AppSyncAuthorizerResponse> {
    const token = extractBearerToken(
      { authorization: event?.authorizationToken ?? undefined },
      // AppSync passes the raw header value: a bare JWT (Lambda as the only JWT mode) or a
      // `Bearer ` one (next to Cognito/OIDC modes, which take the bare token).
      { allowBareToken: true },
    );
    const auth = await verifier.verify(token);
    const refusal = policy === undefined ? undefined : checkPolicy(policy, auth);
    if (refusal !== undefined) throw refusal;
    const request = event.requestContext ?? {};
    if (requestPolicy !== undefined) {
      try {
        await requestPolicy(auth, request, event.requestHeaders ?? {});
      } catch (err) {
        throw isAuthError(err) ? err : new AuthError('CLAIM_CHECK', { cause: err });
      }
    }
    const resolverContext = toResolverContext(auth, contextHook?.(auth));
    const deniedFields = fields.deniedFields(auth, request);
    // Never cached beyond the token's life (SECURITY.md, attack class 23 and decision 14), and
    // never when the answer depended on the operation: the token is the only identity input of
    // AppSync's cache, so it is the cache key (AppSync `LambdaAuthorizerConfig`, `ttlOverride`).
    const remaining = Math.floor(auth.expiresAt - clock() / 1000);
    const ttlOverride =
      requestPolicy !== undefined ? 0 : Math.max(0, Math.min(ttlSeconds, remaining));
    report({ isAuthorized: true, sub: auth.sub, deniedFields, ttlOverride });
    return deniedFields.length > 0
      ? { isAuthorized: true, resolverContext, deniedFields, ttlOverride }
      : { isAuthorized: true, resolverContext, ttlOverride };
  }

  return async (event) => {
    try {
      return await decide(event);
    } catch (err) {
      report({ isAuthorized: false, code: isAuthError(err) ? err.code : undefined, error: err });
      return refused();
    }
  };
}
