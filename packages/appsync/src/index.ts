export type { VerifierSource } from '@cognito-guard/core/http';
export type {
  AppSyncAuthorizerHandler,
  AppSyncAuthorizerOptions,
  AuthorizerDecision,
  RequestPolicy,
} from './authorizer.js';
export { createAppSyncAuthorizer } from './authorizer.js';
export type { DenialEnvelope } from './denial.js';
export { isDenial } from './denial.js';
export type {
  AppSyncAuthorizerRequest,
  AppSyncAuthorizerRequestContext,
  AppSyncAuthorizerResponse,
  AppSyncResolverEventLike,
} from './events.js';
export type { FieldRules } from './field-rules.js';
export type {
  BatchItem,
  DenyMode,
  GuardedResolver,
  ResolverDenial,
  ResolverGuardOptions,
  ResolverHandler,
} from './guard.js';
export { withAuth } from './guard.js';
export type { IamResolverGuardOptions } from './iam-guard.js';
export { withIamAuth } from './iam-guard.js';
export type { AppSyncAuth, IdentityMode, IdentityOptions } from './identity.js';
export { authFromIdentity } from './identity.js';
export type { CognitoResolverContext } from './resolver-context.js';
