export type { CognitoGuardAppSyncAuthorizerProps } from './appsync-authorizer.js';
export { APPSYNC_TTL_ENV, CognitoGuardAppSyncAuthorizer } from './appsync-authorizer.js';
export type { AuthorizerFunctionProps, TokenSourceProps } from './common.js';
export { CognitoGuardConfigError, MAX_TTL_SECONDS } from './common.js';
export type {
  CognitoGuardHttpApiAuthorizerProps,
  HttpApiCacheKeyMode,
} from './http-api-authorizer.js';
export {
  CognitoGuardHttpApiAuthorizer,
  HTTP_API_CACHE_KEY_SOURCES,
} from './http-api-authorizer.js';
export type { CognitoGuardRestAuthorizerProps } from './rest-authorizer.js';
export { CognitoGuardRestAuthorizer } from './rest-authorizer.js';
export type { CognitoGuardRevocationTableProps } from './revocation-table.js';
export { CognitoGuardRevocationTable, REVOCATION_TABLE_SCHEMA } from './revocation-table.js';
