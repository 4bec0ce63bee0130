import {
  AuthError,
  checkIdentityPolicy,
  type ErrorDetail,
  type IamCaller,
  type IamIdentityOptions,
  type IdentityPolicy,
  iamCallerReader,
  isAuthError,
} from '@cognito-guard/core';
import {
  checkErrorDetail,
  checkOptionKeys,
  notifyHook,
  optionKeys,
} from '@cognito-guard/core/http';
import { type DenialEnvelope, denialFor } from './denial.js';
import type { ResolverDenial } from './guard.js';

/**
 * Direct Lambda resolvers behind AppSync `AWS_IAM` authorization: AppSync checked the SigV4
 * signature and wrote the caller in `identity` (`cognitoIdentityPoolId`, `cognitoIdentityId`,
 * `cognitoIdentityAuthType`, `cognitoIdentityAuthProvider`, `userArn`; AWS AppSync resolver
 * context reference). This reads it with `iamCallerFromEvent` (guests marked, user-pool
 * logins parsed, plain IAM principals reported as such) and applies an identity policy.
 */

/** Options of {@link withIamAuth}. */
export interface IamResolverGuardOptions extends IamIdentityOptions {
  /** Who may call. Default: signed-in identities only; `allowGuests()` lets guests in. */
  readonly policy?: IdentityPolicy | undefined;
  /** `throw` (default) an `AuthError`, or return a {@link DenialEnvelope}. */
  readonly deny?: 'throw' | 'envelope' | undefined;
  /**
   * Observability hook, called for every refusal with the precise code (the same
   * {@link ResolverDenial} as `withAuth`'s); exceptions it throws are ignored.
   */
  readonly onEvent?: ((denial: ResolverDenial) => void) | undefined;
  /** What the client reads: `'generic'` (default) or `'code'`. */
  readonly errorDetail?: ErrorDetail | undefined;
}

const KEYS = optionKeys<IamResolverGuardOptions>({
  identityPoolId: true,
  userPoolIds: true,
  policy: true,
  deny: true,
  onEvent: true,
  errorDetail: true,
});

interface ResolverEventLike {
  readonly identity?: unknown;
  readonly info?: { readonly fieldName?: unknown; readonly parentTypeName?: unknown } | null;
}

const signedIn: IdentityPolicy = (caller) => {
  if (caller.kind !== 'cognito-identity' || caller.guest) throw new AuthError('CLAIM_CHECK');
};

/**
 * Wraps a direct Lambda resolver for `AWS_IAM` callers: `handler` runs only for callers the
 * policy allows; a refusal throws (AppSync answers `errorType` "AuthError") or returns a
 * {@link DenialEnvelope} (`deny: 'envelope'`), whose message is AppSync's own
 * "Not Authorized to access <field> on type <Type>".
 *
 * @example
 * ```ts
 * export const handler = withIamAuth(async (event, caller) => listFeed(), {
 *   identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab',
 *   policy: allowGuests(),
 * });
 * ```
 */
export function withIamAuth<E extends ResolverEventLike, R>(
  handler: (event: E, caller: IamCaller, context: unknown) => R | Promise<R>,
  options: IamResolverGuardOptions,
): (event: E, context?: unknown) => Promise<R | DenialEnvelope> {
  if (typeof handler !== 'function')
    throw new TypeError('cognito-guard: handler must be a function');
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: options must be an object');
  }
  checkOptionKeys(options, KEYS, 'withIamAuth');
  const read = iamCallerReader({
    identityPoolId: options.identityPoolId,
    ...(options.userPoolIds === undefined ? {} : { userPoolIds: options.userPoolIds }),
  });
  const policy = options.policy ?? signedIn;
  if (typeof policy !== 'function') throw new TypeError('cognito-guard: policy must be a function');
  const mode = options.deny ?? 'throw';
  if (mode !== 'throw' && mode !== 'envelope') {
    throw new TypeError('cognito-guard: deny must be "throw" or "envelope"');
  }
  const detail = checkErrorDetail(options.errorDetail);
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('cognito-guard: onEvent must be a function');
  }

  return async (event, context) => {
    let refused: AuthError | undefined;
    let caller: IamCaller | undefined;
    try {
      // AppSync's identity only, never a top-level object the caller could shape.
      const identity = typeof event === 'object' && event !== null ? event.identity : undefined;
      if (identity === undefined || identity === null) throw new AuthError('NO_CREDENTIALS');
      caller = read({ identity });
      refused = checkIdentityPolicy(policy, caller);
    } catch (err) {
      refused = isAuthError(err) ? err : new AuthError('MALFORMED', { cause: err });
    }
    if (refused === undefined && caller !== undefined) return handler(event, caller, context);
    const error = refused ?? new AuthError('NO_CREDENTIALS');
    const info = event?.info;
    const fieldName = typeof info?.fieldName === 'string' ? info.fieldName : undefined;
    const parentTypeName =
      typeof info?.parentTypeName === 'string' ? info.parentTypeName : undefined;
    notifyHook(onEvent, { code: error.code, error, fieldName, parentTypeName, index: undefined });
    const envelope = denialFor(error, fieldName, parentTypeName, detail);
    if (mode === 'envelope') return envelope;
    const thrown = new AuthError(error.code);
    thrown.message = envelope.errorMessage;
    throw thrown;
  };
}
