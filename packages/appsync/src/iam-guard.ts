import { AuthError, checkIdentityPolicy, type IamCaller } from '@cognito-guard/core';
import { type IamGuardOptions, iamGuardSettings, optionKeys } from '@cognito-guard/core/http';
import type { DenialEnvelope } from './denial.js';
import {
  type DenyMode,
  type GuardedResolver,
  guardResolver,
  type ResolverDenial,
} from './guard.js';

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
 *
 * @example
 * ```ts
 * const options: IamResolverGuardOptions<'envelope'> = { identityPoolId, policy: allowGuests(), deny: 'envelope' };
 * ```
 */
export interface IamResolverGuardOptions<D extends DenyMode = DenyMode>
  extends IamGuardOptions<ResolverDenial> {
  /**
   * `throw` (default) an `AuthError`, or return a {@link DenialEnvelope}, for single events.
   * Batches always get envelopes.
   */
  readonly deny?: D | undefined;
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
 * "Not Authorized to access <field> on type <Type>". A batch (an array of events, batching
 * enabled or `BatchInvoke`) is answered as `withAuth` answers one: in order, each event read
 * from its own `identity`, `{ data }` for an allowed caller and an envelope for a refused one,
 * `onEvent` told the event's `index`.
 *
 * @example
 * ```ts
 * export const handler = withIamAuth(async (event, caller) => listFeed(), {
 *   identityPoolId: 'us-east-1:0000abcd-12ab-34cd-56ef-1234567890ab',
 *   policy: allowGuests(),
 * });
 * ```
 */
export function withIamAuth<E extends ResolverEventLike, R, D extends DenyMode = 'throw'>(
  handler: (event: E, caller: IamCaller, context: unknown) => R | Promise<R>,
  options: IamResolverGuardOptions<D>,
): GuardedResolver<E, R, D> {
  const { read, policy, onEvent, errorDetail } = iamGuardSettings(
    handler,
    options,
    KEYS,
    'withIamAuth',
  );
  const deny: DenyMode = options.deny ?? 'throw';
  if (deny !== 'throw' && deny !== 'envelope') {
    throw new TypeError('cognito-guard: deny must be "throw" or "envelope"');
  }
  const guarded = guardResolver<E, IamCaller, R>(
    {
      admit: (event) => {
        // AppSync's identity only, never a top-level object the caller could shape.
        const identity = event.identity;
        if (identity === undefined || identity === null) return new AuthError('NO_CREDENTIALS');
        const caller = read({ identity });
        return checkIdentityPolicy(policy, caller) ?? caller;
      },
      deny,
      errorDetail,
      onEvent,
      // AppSync's own denial text, as for `util.unauthorized()`.
      thrownMessage: (_error, denial) => denial.errorMessage,
    },
    handler,
  );
  return guarded as GuardedResolver<E, R, D>;
}
