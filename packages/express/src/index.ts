export type { AuthResult, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export {
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './guards.js';
export type { CognitoAuthAdapterOptions, CognitoAuthOptions } from './middleware.js';
export { cognitoAuth } from './middleware.js';
export type { HttpAuthError } from './request.js';
