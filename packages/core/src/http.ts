/**
 * `@cognito-guard/core/http`: the adapter kit. What the cognito-guard adapters (Express,
 * Fastify, Lambda, AppSync) share, and all a new adapter needs besides the root entry point:
 * reading the bearer token, checking options, creating the verifier once, answering a refusal
 * per RFC 6750, the guards, the hooks, and the result built from claims a platform verified.
 * Applications use the root entry point; see "Writing an adapter" in the README.
 *
 * @packageDocumentation
 */
export type { BearerOptions, BearerSource } from './bearer.js';
export { extractBearerToken } from './bearer.js';
export { checkErrorDetail, refusal, sharedRefusal } from './errors.js';
export { eventParameterValues, isPlainRecord, parameterValues } from './event-parameters.js';
export { federationOf, rolesOf } from './federation.js';
export { notifyHook } from './hooks.js';
export type {
  HttpAdapterOptions,
  HttpAdapterSettings,
  HttpAdapterVerifierOptions,
  HttpAuthError,
  HttpDenial,
} from './http-adapter.js';
export {
  bearerSourceFromRaw,
  checkHttpAdapterOptions,
  HTTP_ADAPTER_KEYS,
  requestAuthenticator,
  toHttpDenial,
  toHttpError,
  tokenFromRaw,
  verifierFromHttpOptions,
} from './http-adapter.js';
export type { IamGuardOptions, IamGuardSettings } from './iam-guard.js';
export { iamGuardSettings } from './iam-guard.js';
export type { Inspection, InspectionCheck, InspectionCheckName } from './inspect.js';
export { inspectToken } from './inspect.js';
export { cognitoIssuer, regionOfPoolId, userPoolOfIssuer } from './issuer.js';
export type { MisplacedKeys, OptionKeyList } from './option-keys.js';
export { checkOptionKeys, optionKeys, renamedOption } from './option-keys.js';
export type { GuardSet } from './policy.js';
export { checkPolicy, createGuards, guardRefusal, isCorePolicy } from './policy.js';
export type { TrustedClaimsOptions } from './result.js';
export { authResultFromClaims } from './result.js';
export type { VerifierSource } from './verifier.js';
export { toVerifier, VERIFIER_OPTION_KEYS, verifierClock } from './verifier.js';
