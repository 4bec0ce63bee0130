export type { AuthResult, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export type { GuardHook } from './guards.js';
export {
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './guards.js';
export type {
  CognitoGuardAdapterOptions,
  CognitoGuardOptions,
  RouteAuthConfig,
} from './plugin.js';
export { cognitoGuard, cognitoGuard as default } from './plugin.js';
export type { HttpAuthError } from './request.js';
