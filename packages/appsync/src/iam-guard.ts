import { AuthError, checkIdentityPolicy, type IamCaller, isAuthError } from '@cognito-guard/core';
import {
  type IamGuardOptions,
  iamGuardSettings,
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

/**
 * Options of {@link withIamAuth}: `identityPoolId`, `userPoolIds`, `policy` (default:
 * signed-in identities only; `allowGuests()` lets guests in), `onEvent` (every refusal, the
 * same {@link ResolverDenial} as `withAuth`'s), `errorDetail` (`'generic'`, the default, or
 * `'code'`), and `deny`.
 */
export interface IamResolverGuardOptions extends IamGuardOptions<ResolverDenial> {
  /** `throw` (default) an `AuthError`, or return a {@link DenialEnvelope}. */
  readonly deny?: 'throw' | 'envelope' | undefined;
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
  const { read, policy, onEvent, errorDetail } = iamGuardSettings(
    handler,
    options,
    KEYS,
    'withIamAuth',
  );
  const mode = options.deny ?? 'throw';
  if (mode !== 'throw' && mode !== 'envelope') {
    throw new TypeError('cognito-guard: deny must be "throw" or "envelope"');
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
    const envelope = denialFor(error, fieldName, parentTypeName, errorDetail);
    if (mode === 'envelope') return envelope;
    const thrown = new AuthError(error.code);
    thrown.message = envelope.errorMessage;
    throw thrown;
  };
}
