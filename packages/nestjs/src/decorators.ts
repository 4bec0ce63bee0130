import type { AuthResult } from '@cognito-guard/core';
import { createGuards } from '@cognito-guard/core/http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import {
  addRoutePolicy,
  OPTIONAL,
  PUBLIC,
  type RouteDecorator,
  setRouteMetadata,
} from './metadata.js';
import { STATE, type WithState } from './state.js';

export type { RouteDecorator } from './metadata.js';

/**
 * Route policies as decorators, on a controller or a route method; they stack, and every one
 * must hold (the controller's and the method's). A refusal is `403 insufficient_scope`
 * (RFC 6750 §3.1); on an optional route without a token, `401`.
 *
 * - `Authorize(policy)`: any core policy, e.g. `Authorize(anyOf(requireGroups('admin'), requireScopes('reports/read')))`;
 * - `RequireScopes(...)`, `RequireGroups(...)`: names (all of them), or an `{ allOf, anyOf, noneOf }` rule;
 * - `RequireClaims(predicate | values)`, `RequireUser()`, `RequireClient(...clientIds)`.
 *
 * @example
 * ```ts
 * @Controller('orders')
 * @RequireScopes('orders/read')
 * class OrdersController {
 *   @Delete(':id')
 *   @RequireGroups('admin')
 *   remove() {}
 * }
 * ```
 */
export const {
  guard: Authorize,
  requireScopes: RequireScopes,
  requireGroups: RequireGroups,
  requireClaims: RequireClaims,
  requireUser: RequireUser,
  requireClient: RequireClient,
} = createGuards<RouteDecorator>(addRoutePolicy);

/**
 * Marks a controller or a route as public: the guard does not look for a token and `@Auth()`
 * is `undefined`. On a method it wins over the controller's policies; on a controller it does
 * not open a method that has a policy or an `@OptionalAuth()` of its own.
 *
 * @example
 * ```ts
 * @Get('health')
 * @Public()
 * health() { return 'ok'; }
 * ```
 */
export function Public(): RouteDecorator {
  return setRouteMetadata(PUBLIC, true);
}

/**
 * Makes a controller or a route's authentication optional (or, with `false`, required where
 * the module's `optional` is set): a request without any token reaches the handler with
 * `@Auth()` undefined; a bad token is still refused. With a policy, a request without a token
 * is a `401`.
 *
 * @example
 * ```ts
 * @Get('feed')
 * @OptionalAuth()
 * feed(@Auth() auth: AuthResult | undefined) { return feedFor(auth?.sub); }
 * ```
 */
export function OptionalAuth(optional = true): RouteDecorator {
  if (typeof optional !== 'boolean') {
    throw new TypeError('cognito-guard: OptionalAuth takes a boolean');
  }
  return setRouteMetadata(OPTIONAL, optional);
}

/**
 * The verified token of the request, as {@link CognitoGuard} attached it: an `AuthResult`, or
 * `undefined` on a public route or an optional route without a token. It reads the guard's own
 * record, not `request.auth`, so nothing else on the request can pose as the guard.
 *
 * @example
 * ```ts
 * @Get('me')
 * me(@Auth() auth: AuthResult) { return { sub: auth.sub }; }
 * ```
 */
export const Auth: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthResult | undefined =>
    context.switchToHttp().getRequest<WithState>()[STATE]?.auth,
);
