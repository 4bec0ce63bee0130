import { type AuthError, describeError, type ErrorDetail } from '@cognito-guard/core';

/**
 * What the resolver guard returns instead of data when it refuses a request and is not asked to
 * throw: one batch item in the format of AppSync's direct Lambda resolvers with batching
 * (`{ data, errorMessage, errorType }`, AWS AppSync developer guide, "Direct Lambda Resolvers:
 * Batching enabled"), which is also what a JS or VTL response handler turns into `util.unauthorized()` or
 * `util.error()` (the Powertools/Amplify pattern; AppSync's resolver-util-reference-js.html). The
 * precise `AuthError` code is not in it: it reaches the application through `onEvent`, never the
 * client.
 *
 * - `Unauthorized`: no identity, a token that is not acceptable, or a policy refusal; the same
 *   `errorType` and message AppSync gives for `util.unauthorized()`.
 * - `ServiceUnavailable`: the signing keys could not be obtained (`JWKS_UNAVAILABLE`,
 *   `JWKS_INVALID`): not the user's fault, worth a retry.
 *
 * @example
 * ```ts
 * // APPSYNC_JS response handler:
 * export function response(ctx) {
 *   if (ctx.result?.errorType === 'Unauthorized') util.unauthorized();
 *   return ctx.result;
 * }
 * ```
 */
export interface DenialEnvelope {
  readonly data: null;
  readonly errorType: 'Unauthorized' | 'ServiceUnavailable';
  readonly errorMessage: string;
}

/** GraphQL names only: anything else is left out of the message. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * Builds the denial for `error` on the field being resolved. The message repeats AppSync's own
 * for `util.unauthorized()` ("Not Authorized to access <field> on type <Type>",
 * aws/aws-appsync-community#214) so clients see one shape of denial; with
 * `errorDetail: 'code'` the precise code's text follows it.
 *
 * @example
 * ```ts
 * denialFor(new AuthError('GROUP_NOT_ALLOWED'), 'deletePost', 'Mutation').errorType; // 'Unauthorized'
 * ```
 */
export function denialFor(
  error: AuthError,
  fieldName: string | undefined,
  parentTypeName: string | undefined,
  errorDetail: ErrorDetail = 'generic',
): DenialEnvelope {
  if (error.kind === 'unavailable') {
    return {
      data: null,
      errorType: 'ServiceUnavailable',
      errorMessage: describeError(error.code, errorDetail),
    };
  }
  const named =
    fieldName !== undefined &&
    parentTypeName !== undefined &&
    NAME.test(fieldName) &&
    NAME.test(parentTypeName);
  const message = named
    ? `Not Authorized to access ${fieldName} on type ${parentTypeName}`
    : 'Not Authorized';
  return {
    data: null,
    errorType: 'Unauthorized',
    errorMessage:
      errorDetail === 'code' ? `${message}: ${describeError(error.code, 'code')}` : message,
  };
}

/**
 * True when a resolver result is a denial from the guard.
 *
 * @example
 * ```ts
 * const result = await guardedResolver(event);
 * if (isDenial(result)) console.log(result.errorType);
 * ```
 */
export function isDenial(value: unknown): value is DenialEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const { errorType, errorMessage } = value as Partial<Record<string, unknown>>;
  return (
    (errorType === 'Unauthorized' || errorType === 'ServiceUnavailable') &&
    typeof errorMessage === 'string'
  );
}
