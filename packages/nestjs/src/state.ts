import type { AuthResult } from '@cognito-guard/core';

/**
 * The verified result as the guard attached it. `@Auth()` reads this, not `request.auth`, so a
 * middleware or interceptor that assigns `request.auth` cannot forge a user, and a handler
 * whose route the guard did not run on can tell.
 */
export const STATE = Symbol('cognito-guard.nestjs');

export interface GuardState {
  readonly auth: AuthResult | undefined;
}

export interface WithState {
  auth?: AuthResult | undefined;
  [STATE]?: GuardState;
}
