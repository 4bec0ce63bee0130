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
export type {
  CognitoAuthAdapterOptions,
  CognitoAuthEnv,
  CognitoAuthOptions,
} from './middleware.js';
export { CognitoAuthException, cognitoAuth } from './middleware.js';
