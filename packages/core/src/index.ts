export type { Challenge, ChallengeOptions } from './challenge.js';
export { toChallenge } from './challenge.js';
export type {
  AccessTokenClaims,
  ClaimsFor,
  CognitoBaseClaims,
  IdTokenClaims,
  TokenUse,
} from './claims.js';
export type { AuthErrorOptions, ErrorDetail, ErrorKind } from './errors.js';
export { AuthError, describeError, ErrorCode, isAuthError } from './errors.js';
export type { FederatedIdentity, RoleClaims } from './federation.js';
export { GROUP_SEPARATOR, joinGroups } from './groups.js';
export type { IamCaller, IamIdentityOptions, IamPrincipal } from './iam-identity.js';
export { iamCallerFromEvent, iamCallerReader } from './iam-identity.js';
export type { IdentityPolicy } from './identity-policy.js';
export {
  allOfIdentity,
  allowGuests,
  anyOfIdentity,
  checkIdentityPolicy,
  requireAuthenticated,
  requireFederation,
  requireIdentityPool,
  requireLoginProvider,
  requirePreferredRole,
  requireRoles,
} from './identity-policy.js';
export type {
  CognitoIdentity,
  IdentityPoolTokenClaims,
  IdentityPoolVerifier,
  IdentityPoolVerifierEvent,
  IdentityPoolVerifierOptions,
  UserPoolLogin,
} from './identity-pool.js';
export {
  createIdentityPoolVerifier,
  IDENTITY_POOL_ARN_CLAIM,
  IDENTITY_POOL_ISSUER,
  IDENTITY_POOL_JWKS_URI,
} from './identity-pool.js';
export type { EmulatorOptions, IssuerForm, IssuerKind, TrustedIssuer } from './issuer.js';
export type { JwksCache, JwksCacheOptions, JwksEvent } from './jwks-cache.js';
export { createJwksCache } from './jwks-cache.js';
export type {
  DefaultFetcherOptions,
  JwksFetcher,
  JwksFetchInit,
  JwksResponse,
} from './jwks-fetch.js';
export { createDefaultFetcher } from './jwks-fetch.js';
export type { AdmittedKey } from './key-policy.js';
export type { MembershipRule, NotAMiddleware, Policy } from './policy.js';
export {
  allOf,
  anyOf,
  checkPolicy,
  requireClaims,
  requireClient,
  requireGroups,
  requireScopes,
  requireUser,
} from './policy.js';
export type { TokenCacheOptions } from './token-cache.js';
export type {
  AuthResult,
  MultiPoolVerifierOptions,
  ResolvedUserPool,
  SinglePoolVerifierOptions,
  UserPoolConfig,
  Verifier,
  VerifierCommonOptions,
  VerifierEvent,
  VerifierOptions,
} from './verifier.js';
export { createVerifier } from './verifier.js';
