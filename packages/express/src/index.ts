export type { AuthResult, MembershipRule, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export type { HttpAuthError } from '@cognito-guard/core/http';
export {
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './guards.js';
export type { IdentityPoolAuthOptions } from './identity.js';
export { identityPoolAuth, requireIdentity } from './identity.js';
export type { AuthHandler, CognitoAuthAdapterOptions, CognitoAuthOptions } from './middleware.js';
export { cognitoAuth } from './middleware.js';
