import {
  AuthError,
  checkPolicy,
  describeError,
  type ErrorCode,
  type ErrorDetail,
  isAuthError,
  type Policy,
  type TokenUse,
  type Verifier,
} from '@cognito-guard/core';
import {
  checkErrorDetail,
  checkOptionKeys,
  extractBearerToken,
  notifyHook,
  optionKeys,
  renamedOption,
  toVerifier,
  type VerifierSource,
} from '@cognito-guard/core/http';
import { type DenialEnvelope, denialFor } from './denial.js';
import type { AppSyncResolverEventLike } from './events.js';
import { type AppSyncAuth, authFromIdentity, type IdentityMode } from './identity.js';

/**
 * How a single (non-batch) event is refused: `throw` an `AuthError` (a direct Lambda resolver
 * then answers with `errorType` "AuthError" and the error's message; AWS AppSync developer
 * guide, "Custom error handling in Direct Lambda Resolver responses"), or return a
 * {@link DenialEnvelope} for a JS or VTL response handler to turn into `util.unauthorized()`.
 * Either way the client reads what `errorDetail` allows: by default one generic text per
 * class of failure ("The access token is invalid"), never which check failed.
 *
 * @example
 * ```ts
 * const mode: DenyMode = 'envelope';
 * ```
 */
export type DenyMode = 'throw' | 'envelope';

/**
 * Why the guard refused one event, for logs and metrics. Never the token.
 *
 * @example
 * ```ts
 * onEvent: ({ code, fieldName }) => logger.warn({ code, fieldName }, 'denied')
 * ```
 */
export interface ResolverDenial {
  readonly code: ErrorCode;
  readonly error: AuthError;
  readonly fieldName: string | undefined;
  readonly parentTypeName: string | undefined;
  /** The event's position in a batch; `undefined` for a single event. */
  readonly index: number | undefined;
}

/**
 * Options of {@link withAuth}.
 *
 * @example
 * ```ts
 * const options: ResolverGuardOptions<'envelope'> = { deny: 'envelope', verifier };
 * ```
 */
export interface ResolverGuardOptions<D extends DenyMode = 'throw'> {
  /**
   * Re-verify the raw token in `request.headers.authorization` (bare or `Bearer `) with this
   * verifier (or one created from these options) instead of trusting `identity`. Use it when
   * the identity was not verified by AppSync: local simulators, API-key or IAM modes with a
   * Cognito token alongside, or defence in depth.
   */
  readonly verifier?: VerifierSource | undefined;
  /** `throw` (default) or `envelope`, for single events. Batches always get envelopes. */
  readonly deny?: D | undefined;
  /** Identity modes trusted when not re-verifying. Default: cognito, oidc, lambda. */
  readonly modes?: readonly IdentityMode[] | undefined;
  /** Trusted user pools; an identity or token from another pool is refused (`ISSUER`). */
  readonly userPoolId?: string | readonly string[] | undefined;
  /** Called for every refusal, with the precise code; exceptions it throws are ignored. */
  readonly onEvent?: ((denial: ResolverDenial) => void) | undefined;
  /**
   * The old name of `onEvent`: still read, with a one-time deprecation warning.
   *
   * @deprecated Use `onEvent`, the name of the observability hook in every cognito-guard package.
   */
  readonly onDenied?: ((denial: ResolverDenial) => void) | undefined;
  /**
   * What a GraphQL client reads of a refusal: `'generic'` (default), one text per class of
   * failure, or `'code'`, the fixed text of the precise code ("The token has expired"), which
   * tells a client probing forged tokens which check failed. `onEvent` always gets the code.
   */
  readonly errorDetail?: ErrorDetail | undefined;
}

/**
 * The error thrown to the Lambda runtime, whose message AppSync hands to the client: an
 * `AuthError` with the same code (for in-process callers) and `message`. A new object, so a
 * shared or cached error is never changed.
 */
function clientError(error: AuthError, message: string): AuthError {
  const copy = new AuthError(error.code, {
    ...(error.requiredScopes === undefined ? {} : { requiredScopes: error.requiredScopes }),
    ...(error.retryAfterSeconds === undefined
      ? {}
      : { retryAfterSeconds: error.retryAfterSeconds }),
  });
  // V8 formats `stack` on first read, so its first line carries this message too.
  copy.message = message;
  return copy;
}

/** The keys of {@link ResolverGuardOptions}: anything else is refused. */
const GUARD_KEYS = optionKeys<ResolverGuardOptions<DenyMode>>({
  verifier: true,
  deny: true,
  modes: true,
  userPoolId: true,
  onEvent: true,
  onDenied: true,
  errorDetail: true,
});

/**
 * The application's resolver, called only for allowed events, with the verified identity.
 *
 * @example
 * ```ts
 * const handler: ResolverHandler<AppSyncResolverEvent<{ id: string }>, Post> =
 *   async (event, auth) => deletePost(event.arguments.id, auth.sub);
 * ```
 */
export type ResolverHandler<E, R> = (
  event: E,
  auth: AppSyncAuth,
  context: unknown,
) => R | Promise<R>;

/**
 * One entry of a batch answer, in the format of AppSync's direct Lambda resolvers with
 * batching: `{ data }` for an allowed event, a {@link DenialEnvelope} for a refused one.
 *
 * @example
 * ```ts
 * const items: BatchItem<Post>[] = await guarded(events);
 * ```
 */
export type BatchItem<R> = { readonly data: R } | DenialEnvelope;

/**
 * A guarded resolver: a Lambda handler for single events and for batches (an array of events,
 * answered in order).
 *
 * @example
 * ```ts
 * export const handler: GuardedResolver<AppSyncResolverEvent<{ id: string }>, Post, 'throw'> = guarded;
 * ```
 */
export interface GuardedResolver<E, R, D extends DenyMode> {
  (event: E, context?: unknown): Promise<D extends 'envelope' ? R | DenialEnvelope : R>;
  (events: readonly E[], context?: unknown): Promise<BatchItem<R>[]>;
}

const MODES: readonly IdentityMode[] = ['cognito', 'oidc', 'lambda'];

/** Every `authorization` header value, whatever its case (AppSync lower-cases; a copy may not). */
function authorizationValues(event: AppSyncResolverEventLike): string[] {
  const headers = event.request?.headers;
  if (typeof headers !== 'object' || headers === null) return [];
  const found: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') found.push(value);
  }
  return found;
}

function fieldOf(event: AppSyncResolverEventLike): [string | undefined, string | undefined] {
  const fieldName = event.info?.fieldName ?? event.fieldName;
  const parentTypeName = event.info?.parentTypeName ?? event.typeName;
  return [
    typeof fieldName === 'string' ? fieldName : undefined,
    typeof parentTypeName === 'string' ? parentTypeName : undefined,
  ];
}

/**
 * Guards an AppSync Lambda resolver (direct resolver or pipeline function): runs `policy` on the
 * caller's identity and calls `handler` only when it holds.
 *
 * The identity comes from `event.identity` (Cognito, OIDC, or the `resolverContext` of our
 * Lambda authorizer), mapped by {@link authFromIdentity}, or, with `verifier`, from the raw token
 * in `request.headers.authorization`. Batches (an array of events) are answered in order, one
 * `{ data }` or denial per event, since throwing would fail the whole batch (AWS AppSync
 * developer guide, "Returning individual errors"). `policy: null` only requires an identity.
 *
 * @example
 * ```ts
 * import { requireGroups } from '@cognito-guard/core';
 * import { withAuth } from '@cognito-guard/appsync';
 *
 * export const handler = withAuth(requireGroups('admin'), async (event, auth) => {
 *   return deletePost(event.arguments.id, auth.sub);
 * });
 * ```
 */
export function withAuth<E extends AppSyncResolverEventLike, R, D extends DenyMode = 'throw'>(
  policy: Policy | null,
  handler: ResolverHandler<E, R>,
  options: ResolverGuardOptions<D> = {},
): GuardedResolver<E, R, D> {
  if (policy !== null && typeof policy !== 'function') {
    throw new TypeError('cognito-guard: withAuth takes a policy (or null) first');
  }
  if (typeof handler !== 'function') {
    throw new TypeError('cognito-guard: withAuth takes the resolver handler second');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: withAuth options must be an object');
  }
  checkOptionKeys(options, GUARD_KEYS, 'withAuth');
  const deny: DenyMode = options.deny ?? 'throw';
  if (deny !== 'throw' && deny !== 'envelope') {
    throw new TypeError('cognito-guard: deny must be "throw" or "envelope"');
  }
  const modes = options.modes ?? MODES;
  if (!Array.isArray(modes) || modes.length === 0 || !modes.every((m) => MODES.includes(m))) {
    throw new TypeError('cognito-guard: modes must list "cognito", "oidc" and/or "lambda"');
  }
  const pools = options.userPoolId;
  if (
    pools !== undefined &&
    !(
      typeof pools === 'string' ||
      (Array.isArray(pools) && pools.every((p) => typeof p === 'string'))
    )
  ) {
    throw new TypeError('cognito-guard: userPoolId must be a pool id or a list of them');
  }
  const onEvent = renamedOption<(denial: ResolverDenial) => void>(
    options,
    'onDenied',
    'onEvent',
    'COGNITO_GUARD_DEP_APPSYNC_ONDENIED',
    'withAuth',
  );
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('cognito-guard: onEvent must be a function');
  }
  const errorDetail = checkErrorDetail(options.errorDetail);
  const verifier: Verifier<TokenUse | null> | undefined =
    options.verifier === undefined ? undefined : toVerifier(options.verifier);
  const poolList = pools === undefined ? undefined : typeof pools === 'string' ? [pools] : pools;

  async function authenticate(event: AppSyncResolverEventLike): Promise<AppSyncAuth> {
    if (verifier === undefined) {
      return authFromIdentity(event.identity, { modes, userPoolId: poolList });
    }
    // Cognito mode takes the bare token, Lambda mode next to it a `Bearer ` one
    // (aws-amplify/amplify-js#9513).
    const token = extractBearerToken(
      { authorization: authorizationValues(event) },
      { allowBareToken: true },
    );
    const auth = await verifier.verify(token);
    if (poolList !== undefined && !poolList.includes(auth.userPoolId)) {
      throw new AuthError('ISSUER');
    }
    return Object.freeze({ ...auth, source: 'token' as const });
  }

  const guarded = guardResolver<E, AppSyncAuth, R>(
    {
      admit: async (event) => {
        const auth = await authenticate(event);
        return policy === null ? auth : (checkPolicy(policy, auth) ?? auth);
      },
      deny,
      errorDetail,
      onEvent,
      // The fixed text of the class of failure (or of the code, with `errorDetail: 'code'`).
      thrownMessage: (error) => describeError(error.code, errorDetail),
    },
    handler,
  );
  return guarded as GuardedResolver<E, R, D>;
}

/**
 * How {@link guardResolver} admits and refuses events: the part that differs between
 * `withAuth` (user-pool identities and tokens) and `withIamAuth` (`AWS_IAM` callers).
 */
export interface ResolverGuardSettings<A> {
  /** The caller of one event, or its refusal, returned or thrown (anything else: `MALFORMED`). */
  readonly admit: (event: AppSyncResolverEventLike) => Promise<A | AuthError> | A | AuthError;
  readonly deny: DenyMode;
  readonly errorDetail: ErrorDetail;
  readonly onEvent: ((denial: ResolverDenial) => void) | undefined;
  /** The message of the error a refused single event throws with `deny: 'throw'`. */
  readonly thrownMessage: (error: AuthError, denial: DenialEnvelope) => string;
}

/**
 * The Lambda handler both resolver guards return: a single event gets the handler's result,
 * or its refusal thrown or as a {@link DenialEnvelope}; a batch (an array of events,
 * `BatchInvoke`) gets one `{ data }` or envelope per event, in order, each event admitted on
 * its own identity, since throwing fails the whole batch (AWS AppSync developer guide,
 * https://docs.aws.amazon.com/appsync/latest/devguide/tutorial-lambda-resolvers.html#returning-individual-errors).
 * Every refusal is reported to `onEvent` with the field and, in a batch, the event's index.
 *
 * @example
 * ```ts
 * const guarded = guardResolver({ admit, deny: 'throw', errorDetail: 'generic', onEvent, thrownMessage }, handler);
 * ```
 */
export function guardResolver<E, A, R>(
  settings: ResolverGuardSettings<A>,
  handler: (event: E, admitted: A, context: unknown) => R | Promise<R>,
): (input: E | readonly E[], context?: unknown) => Promise<unknown> {
  const { admit, deny, errorDetail, onEvent, thrownMessage } = settings;

  /** The caller, or the refusal (reported to `onEvent`), for one event. Never throws. */
  async function admitted(
    item: AppSyncResolverEventLike,
    index: number | undefined,
  ): Promise<A | AuthError> {
    let result: A | AuthError;
    try {
      result = await admit(item);
    } catch (err) {
      result = isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err });
    }
    if (isAuthError(result) && onEvent !== undefined) {
      const [fieldName, parentTypeName] = fieldOf(item);
      notifyHook(onEvent, { code: result.code, error: result, fieldName, parentTypeName, index });
    }
    return result;
  }

  function envelope(item: AppSyncResolverEventLike, error: AuthError): DenialEnvelope {
    const [fieldName, parentTypeName] = fieldOf(item);
    return denialFor(error, fieldName, parentTypeName, errorDetail);
  }

  return async (input, context) => {
    if (Array.isArray(input)) {
      const events = input as readonly E[];
      return Promise.all(
        events.map(async (event, index): Promise<BatchItem<R>> => {
          const item = asEvent(event);
          const caller = await admitted(item, index);
          if (isAuthError(caller)) return envelope(item, caller);
          return { data: await handler(event, caller, context) };
        }),
      );
    }
    const event = input as E;
    const item = asEvent(event);
    const caller = await admitted(item, undefined);
    if (!isAuthError(caller)) return handler(event, caller, context);
    const denial = envelope(item, caller);
    if (deny === 'envelope') return denial;
    throw clientError(caller, thrownMessage(caller, denial));
  };
}

/** An event as the guard reads it: anything that is not an object reads as an empty one. */
function asEvent(event: unknown): AppSyncResolverEventLike {
  return typeof event === 'object' && event !== null ? (event as AppSyncResolverEventLike) : {};
}
