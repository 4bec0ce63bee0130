export type { AuthResult, MembershipRule, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export type { RouteDecorator } from './decorators.js';
export {
  Auth,
  Authorize,
  OptionalAuth,
  Public,
  RequireClaims,
  RequireClient,
  RequireGroups,
  RequireScopes,
  RequireUser,
} from './decorators.js';
export { CognitoAuthException } from './exception.js';
export { CognitoGuard } from './guard.js';
export type { CognitoGuardModuleAsyncOptions } from './module.js';
export { CognitoGuardModule } from './module.js';
export type { CognitoGuardModuleOptions } from './runtime.js';
export { COGNITO_GUARD_OPTIONS } from './runtime.js';
