import { type AuthResult, checkPolicy, isAuthError, joinGroups } from '@cognito-guard/core';
import { extractBearerToken } from '@cognito-guard/core/http';
import type { ResolvedOptions } from './authorizer-options.js';
import { richContext, scalarContext } from './context.js';
import { unauthorized } from './errors.js';
import type { IamAuthorizerResult, SimpleAuthorizerResult } from './events.js';
import { buildPolicy } from './iam-policy.js';
import type { MethodArn } from './method-arn.js';
import { ALL_ROUTES, type RouteRefusal, type RouteTable } from './route-rules.js';
import type { RequestToken } from './token-source.js';

/**
 * The one mapping from a failure to what API Gateway needs (the SECURITY.md surface table;
 * AWS, apigateway-use-lambda-authorizer.html):
 *
 * | kind                           | authorizer does                     | client gets            |
 * |--------------------------------|-------------------------------------|------------------------|
 * | credentials, request, token    | `throw new Error('Unauthorized')`   | 401                    |
 * | forbidden                      | Deny in the policy / `isAuthorized: false` | 403             |
 * | unavailable (JWKS)             | throws the `AuthError` (not `Unauthorized`) | 500, not cached |
 *
 * A JWKS outage must never become an Allow, nor a 401 that makes clients drop good tokens.
 *
 * @example
 * ```ts
 * throw failure(options, new AuthError('EXPIRED')); // Error('Unauthorized')
 * ```
 */
export function failure(options: ResolvedOptions, err: unknown): Error {
  if (isAuthError(err) && err.kind !== 'unavailable') {
    options.emit({ type: 'unauthorized', authorizer: options.kind, code: err.code });
    return unauthorized(err.code);
  }
  options.emit({
    type: 'error',
    authorizer: options.kind,
    code: isAuthError(err) ? err.code : undefined,
  });
  return err instanceof Error ? err : new Error('cognito-guard: authorizer failed');
}

/**
 * For failures after authentication, or before it (an unexpected event): a 500, reported as
 * `error`. Never turned into `Unauthorized`, which API Gateway may treat as a token problem.
 *
 * @example
 * ```ts
 * throw internalFailure(options, new TypeError('unexpected event'));
 * ```
 */
export function internalFailure(options: ResolvedOptions, err: unknown): Error {
  options.emit({
    type: 'error',
    authorizer: options.kind,
    code: isAuthError(err) ? err.code : undefined,
  });
  return err instanceof Error ? err : new Error('cognito-guard: authorizer failed');
}

/**
 * Runs `run`; anything it throws becomes an {@link internalFailure} (a 500, reported as
 * `error`): event parsing and policy building never answer `Unauthorized`.
 *
 * @example
 * ```ts
 * const arn = failInternally(options, () => parseMethodArn(event.methodArn));
 * ```
 */
export function failInternally<T>(options: ResolvedOptions, run: () => T): T {
  try {
    return run();
  } catch (err) {
    throw internalFailure(options, err);
  }
}

/**
 * Extracts and verifies the token. Rejects with what the handler must throw: `Unauthorized`
 * for a missing, malformed or invalid token, the `AuthError` for a JWKS outage.
 *
 * @example
 * ```ts
 * const auth = await authenticate(options, bearerSource(event, { header: 'Authorization' }));
 * ```
 */
export async function authenticate(
  options: ResolvedOptions,
  { source, allowQuery }: RequestToken,
  checkToken?: (token: string) => void,
): Promise<AuthResult> {
  try {
    const token = extractBearerToken(source, {
      allowBareToken: options.allowBareToken,
      allowQuery,
    });
    // A check of where the token travels (a `TypeError` here is a 500, never a 401).
    checkToken?.(token);
    const auth = await options.verifier.verify(token);
    // Groups go into flat contexts space-joined: a group that would not split back exactly
    // ('readers admin' read back as 'admin') refuses the token here, a 401 (CLAIM_TYPE), as
    // the AppSync authorizer refuses it.
    joinGroups(auth.groups);
    return auth;
  } catch (err) {
    throw failure(options, err);
  }
}

/** What the principal may do: the request-wide `policy`, then the route rules. */
function decide(
  options: ResolvedOptions,
  table: RouteTable | undefined,
  auth: AuthResult,
  arn: MethodArn,
): { allow: readonly string[]; deny: readonly string[]; refusal: RouteRefusal | undefined } {
  const required = options.policy === undefined ? undefined : checkPolicy(options.policy, auth);
  if (required !== undefined) {
    return { allow: [], deny: [], refusal: { error: required, route: undefined } };
  }
  if (table === undefined) {
    // Authentication only: the stage wildcard, never the one methodArn that came first
    // (SECURITY.md, decision 13). WebSocket ARNs have no verb/path pair, hence `*` there.
    return { allow: [arn.method === undefined ? '*' : ALL_ROUTES], deny: [], refusal: undefined };
  }
  const evaluation = table.evaluate(auth);
  return {
    allow: evaluation.allow,
    deny: evaluation.deny,
    refusal: evaluation.refusal(arn.resource),
  };
}

function report(
  options: ResolvedOptions,
  auth: AuthResult,
  refusal: RouteRefusal | undefined,
): void {
  if (refusal === undefined) {
    options.emit({ type: 'allow', authorizer: options.kind, principalId: auth.sub });
  } else {
    options.emit({
      type: 'deny',
      authorizer: options.kind,
      principalId: auth.sub,
      code: refusal.error.code,
      route: refusal.route,
    });
  }
}

/**
 * The IAM-policy answer: the principal's policy over every route, so that API Gateway's
 * result cache (keyed by the token, not the route) gives the right answer on every route.
 *
 * @example
 * ```ts
 * return policyResult(options, table, parseMethodArn(event.methodArn), auth);
 * ```
 */
export function policyResult(
  options: ResolvedOptions,
  table: RouteTable | undefined,
  arn: MethodArn,
  auth: AuthResult,
  extra: { readonly reserved?: readonly string[]; readonly usageIdentifierKey?: string } = {},
): IamAuthorizerResult {
  const { allow, deny, refusal } = decide(options, table, auth, arn);
  const policyDocument = buildPolicy(arn, allow, deny);
  const context = scalarContext(auth, options.context, extra.reserved ?? []);
  report(options, auth, refusal);
  return {
    // principalId = sub (SECURITY.md, decision 13): stable, unique in the pool, present in every
    // token.
    principalId: auth.sub,
    policyDocument,
    context,
    ...(extra.usageIdentifierKey === undefined
      ? {}
      : { usageIdentifierKey: extra.usageIdentifierKey }),
  };
}

/**
 * The HTTP API simple answer for the current request. `route` decides the route rules for the
 * principal; the caller has checked that its answer is a function of the cache key.
 *
 * @example
 * ```ts
 * return simpleResult(options, (auth) => table.evaluate(auth).refusal(arn.resource), auth, ['claims']);
 * ```
 */
export function simpleResult(
  options: ResolvedOptions,
  route: ((auth: AuthResult) => RouteRefusal | undefined) | undefined,
  auth: AuthResult,
  reserved: readonly string[],
): SimpleAuthorizerResult {
  const required = options.policy === undefined ? undefined : checkPolicy(options.policy, auth);
  const refusal: RouteRefusal | undefined =
    required !== undefined ? { error: required, route: undefined } : route?.(auth);
  if (refusal !== undefined) {
    report(options, auth, refusal);
    return { isAuthorized: false };
  }
  const context = richContext(auth, options.context, reserved);
  report(options, auth, undefined);
  return { isAuthorized: true, context };
}
