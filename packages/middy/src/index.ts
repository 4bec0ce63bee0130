export type { AuthResult, MembershipRule, Policy } from '@cognito-guard/core';
export { AuthError, isAuthError } from '@cognito-guard/core';
export type { HttpAuthError } from '@cognito-guard/core/http';
export type { HttpEventParts } from './event.js';
export { bearerSourceOfEvent } from './event.js';
export {
  guard,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './guards.js';
export type { CognitoAuthContext, CognitoAuthOptions, CognitoAuthResponse } from './middleware.js';
export { cognitoAuth } from './middleware.js';
export type { MiddyMiddleware, MiddyRequest, MiddyStep } from './types.js';
