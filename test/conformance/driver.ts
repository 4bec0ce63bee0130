import type {
  ErrorCode,
  IdentityPolicy,
  IdentityPoolVerifier,
  Policy,
  Verifier,
} from '@cognito-guard/core';

/**
 * The contract between the conformance table (`cases.ts`) and an adapter. An adapter's driver
 * starts an app (or a handler) protecting the table's routes, sends it one request and
 * reports what happened as an {@link Outcome}; `run.ts` compares that with the table.
 *
 * Drivers live with their adapter (`packages/<adapter>/test/conformance-driver.ts`), where the
 * framework is a dependency; the runners here (`express4.test.ts`, …) plug them in.
 */

/** Which column of the SECURITY.md surface table an adapter follows. */
export type Surface =
  /** Express and Fastify: RFC 6750 status codes and challenges. */
  | 'http'
  /** API Gateway REST authorizer (TOKEN or REQUEST). */
  | 'rest-authorizer'
  /** API Gateway HTTP API authorizer with simple responses. */
  | 'http-api-simple'
  /** AppSync `AWS_LAMBDA` authorizer. */
  | 'appsync-authorizer';

/**
 * What a request came to, in words every surface can map to:
 * - `allow`: the handler ran (HTTP 2xx, an Allow policy, `isAuthorized: true`);
 * - `deny`: authenticated but not allowed (403, a Deny policy);
 * - `unauthorized`: no or bad credentials (401, a thrown `Unauthorized`);
 * - `bad-request`: malformed or ambiguous credentials (400 where the surface has one);
 * - `unavailable`: keys could not be obtained (503, a non-`Unauthorized` error, `ttlOverride: 0`);
 * - `error`: anything else (a 500, an unexpected exception): always a failure of the table.
 */
export type OutcomeKind =
  | 'allow'
  | 'deny'
  | 'unauthorized'
  | 'bad-request'
  | 'unavailable'
  | 'error';

/** One request's result, normalized by the driver. */
export interface Outcome {
  readonly kind: OutcomeKind;
  /** The HTTP status, where the surface has one. */
  readonly status?: number | undefined;
  /** Response headers, lower-case names, where the surface has them. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** The parsed response body (JSON) where there is one. */
  readonly body?: unknown;
  /** The raw response text, to check that no token is echoed. */
  readonly text?: string | undefined;
  /** `auth.sub` as the handler saw it: `null` when it ran without `auth`; absent when it did not run. */
  readonly handlerSawSub?: string | null | undefined;
  /** The precise AuthError code, where the driver can observe it (HTTP: `pass-errors` mode). */
  readonly code?: ErrorCode | undefined;
}

/** What a route of the table requires. */
export interface RouteRule {
  readonly path: string;
  /** `optional`: a request without a token reaches the handler with no `auth`. */
  readonly auth: 'required' | 'optional';
  /** All of these scopes (core `requireScopes`). */
  readonly scopes?: readonly string[];
  /** All of these groups (core `requireGroups`). */
  readonly groups?: readonly string[];
  /** Any other core policy (federation, roles), through the adapter's own `guard(policy)`. */
  readonly policy?: Policy;
}

/**
 * - `respond`: the adapter answers refusals itself (the default configuration);
 * - `pass-errors`: the adapter hands the AuthError to the framework's error handling; the
 *   driver's handler answers with the error's own `statusCode` and `headers` and reports its
 *   `code`, so both the idiomatic hand-off and the exact code are checked.
 */
export type DriverMode = 'respond' | 'pass-errors';

/** What a driver starts an app with. */
export interface DriverStartOptions {
  readonly verifier: Verifier;
  readonly routes: readonly RouteRule[];
  /** The challenge realm the adapter is configured with. */
  readonly realm: string;
  readonly mode: DriverMode;
}

/**
 * A route of the identity-pool table (`IDENTITY_ROUTES`): identity-pool OpenID tokens
 * (`GetOpenIdToken`) as bearer tokens, through the adapter's identity-pool middleware.
 */
export interface IdentityRouteRule {
  readonly path: string;
  /** `optional`: a request without a token reaches the handler with no identity. */
  readonly auth: 'required' | 'optional';
  /** An identity policy, through the adapter's `requireIdentity(policy)`. */
  readonly policy?: IdentityPolicy;
}

/**
 * What a driver starts an identity-pool app with. Its handlers answer
 * `200 { sub: <identity id> }` (`null` without an identity), so `handlerSawSub` is the
 * identity id the handler saw.
 */
export interface IdentityDriverStartOptions {
  readonly identityPool: IdentityPoolVerifier;
  readonly routes: readonly IdentityRouteRule[];
  readonly realm: string;
  readonly mode: DriverMode;
}

/** One request, as the table describes it. Header pairs keep duplicates and order. */
export interface DriverRequest {
  readonly method: 'GET';
  /** Path and query, e.g. `/orders?access_token=…`. */
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
}

/** A started app. */
export interface DriverApp {
  send(request: DriverRequest): Promise<Outcome>;
  /** Stops the app and its connections. */
  close(): Promise<void>;
}

/** An adapter under test. */
export interface Driver {
  readonly name: string;
  readonly surface: Surface;
  readonly modes: readonly DriverMode[];
  /** The driver reports the exact AuthError code in every mode (authorizers, through onEvent). */
  readonly reportsCodes?: boolean;
  start(options: DriverStartOptions): Promise<DriverApp>;
  /**
   * Starts an app that accepts identity-pool OpenID tokens as bearer tokens (Express's
   * `identityPoolAuth`, Fastify's `identityPoolGuard`). Only adapters with that support have
   * it; the identity-pool table runs against exactly those.
   */
  startIdentity?(options: IdentityDriverStartOptions): Promise<DriverApp>;
}
