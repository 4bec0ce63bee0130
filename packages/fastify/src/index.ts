export type { AuthResult, MembershipRule, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export type { HttpAuthError } from '@cognito-guard/core/http';
export type { GuardHook } from './guards.js';
export {
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './guards.js';
export type { IdentityPoolGuardOptions } from './identity.js';
export { identityPoolGuard, requireIdentity } from './identity.js';
export type {
  CognitoGuardAdapterOptions,
  CognitoGuardOptions,
  RouteAuthConfig,
  RoutePolicy,
} from './plugin.js';
export { cognitoGuard, cognitoGuard as default } from './plugin.js';
