/**
 * The AppSync events this package reads, typed as loosely as the real events are.
 *
 * `@types/aws-lambda` describes the same events but marks fields required that real events omit
 * (`requestHeaders` before July 2023, `identity.groups`, `request.domainName`); see the captured
 * samples in the repository's `test/fixtures/aws-events/`. These types accept both its events and
 * the captured ones, so `AppSyncAuthorizerEvent` and `AppSyncResolverEvent` values are assignable
 * to them.
 */

/**
 * The event AppSync sends to a Lambda authorizer (`AWS_LAMBDA` auth mode).
 *
 * `authorizationToken` is the raw `Authorization` header value; `operationName` may be absent
 * and `requestHeaders` only exists since July 2023 (aws/aws-lambda-java-libs#428).
 *
 * @example
 * ```ts
 * const event: AppSyncAuthorizerRequest = {
 *   authorizationToken: 'Bearer eyJ...',
 *   requestContext: { apiId: 'abc123', accountId: '111122223333', queryString: '{ me { id } }' },
 * };
 * ```
 */
export interface AppSyncAuthorizerRequest {
  readonly authorizationToken?: string | null | undefined;
  readonly requestContext?: AppSyncAuthorizerRequestContext | null | undefined;
  readonly requestHeaders?: Readonly<Record<string, string | undefined>> | null | undefined;
}

/**
 * The `requestContext` of an {@link AppSyncAuthorizerRequest}: which API, and which operation.
 *
 * @example
 * ```ts
 * const operation = event.requestContext?.operationName ?? 'anonymous';
 * ```
 */
export interface AppSyncAuthorizerRequestContext {
  readonly apiId?: string | undefined;
  readonly accountId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly queryString?: string | undefined;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
}

/**
 * What a Lambda authorizer returns to AppSync
 * (https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html, `AWS_LAMBDA`).
 *
 * Assignable to `@types/aws-lambda`'s `AppSyncAuthorizerResult<Record<string, string>>`.
 *
 * @example
 * ```ts
 * const denied: AppSyncAuthorizerResponse = { isAuthorized: false, resolverContext: {}, ttlOverride: 0 };
 * ```
 */
export interface AppSyncAuthorizerResponse {
  /** `false` makes AppSync answer 401 `UnauthorizedException` with a fixed message. */
  readonly isAuthorized: boolean;
  /** Becomes `ctx.identity.resolverContext`; always present (amplify-cli issue #10047). */
  readonly resolverContext: Record<string, string>;
  /** Fields AppSync forces to `null`: `Type.field` or the full field ARN. */
  readonly deniedFields?: string[];
  /** Seconds AppSync may cache this answer for this token; 0 disables caching. */
  readonly ttlOverride: number;
}

/**
 * The parts of an AppSync resolver event (direct Lambda resolver, Lambda pipeline function, or
 * a payload built by a JS request handler) that the resolver guard reads.
 *
 * A JS or VTL request handler that builds its own payload must pass `identity`, and, when the
 * guard re-verifies the token, `request` (AppSync direct Lambda resolvers,
 * https://docs.aws.amazon.com/appsync/latest/devguide/resolver-context-reference-js.html).
 *
 * @example
 * ```ts
 * // APPSYNC_JS request handler of a Lambda pipeline function:
 * export function request(ctx) {
 *   return { operation: 'Invoke', payload: { identity: ctx.identity, request: ctx.request, info: ctx.info, arguments: ctx.args } };
 * }
 * ```
 */
export interface AppSyncResolverEventLike {
  /** `ctx.identity`: Cognito, OIDC, Lambda (`resolverContext`), IAM, or null for API keys. */
  readonly identity?: unknown;
  /** Lower-case request headers; `authorization` holds the raw token. */
  readonly request?: {
    readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
  } | null;
  /** Which field is being resolved (for the denial message). */
  readonly info?: {
    readonly fieldName?: string | undefined;
    readonly parentTypeName?: string | undefined;
  } | null;
  /** Amplify `@function` events carry the field at the top level instead. */
  readonly fieldName?: string | undefined;
  readonly typeName?: string | undefined;
}
