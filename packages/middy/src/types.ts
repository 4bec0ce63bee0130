/**
 * The parts of Middy's types this package uses, written structurally (as AWS Lambda
 * Powertools does in `packages/commons/src/types/middy.ts`), so that the package does not
 * depend on `@middy/core` at run time nor tie itself to one major version of it: a middleware
 * object of `{ before, after, onError }` functions of Middy's `request`
 * (https://middy.js.org/docs/writing-middlewares/intro).
 */

/**
 * Middy's `request` as a middleware sees it.
 *
 * @example
 * ```ts
 * const before = async (request: MiddyRequest) => console.log(request.event);
 * ```
 */
export interface MiddyRequest<TEvent = unknown, TResult = unknown, TContext = unknown> {
  event: TEvent;
  context: TContext;
  response: TResult | null | undefined;
  error: Error | null | undefined;
  internal: Record<string, unknown>;
}

/**
 * A Middy middleware step: returning a value other than `undefined` from a `before` step ends
 * the invocation early with that value as the response (Middy's early return).
 *
 * @example
 * ```ts
 * const step: MiddyStep = async () => undefined;
 * ```
 */
export type MiddyStep<TEvent = unknown, TResult = unknown, TContext = unknown> = (
  request: MiddyRequest<TEvent, TResult, TContext>,
) => unknown;

/**
 * A Middy middleware object, as `middy(handler).use(...)` takes it.
 *
 * @example
 * ```ts
 * const noop: MiddyMiddleware = { before: async () => undefined };
 * ```
 */
export interface MiddyMiddleware<TEvent = unknown, TResult = unknown, TContext = unknown> {
  before?: MiddyStep<TEvent, TResult, TContext>;
  after?: MiddyStep<TEvent, TResult, TContext>;
  onError?: MiddyStep<TEvent, TResult, TContext>;
}
