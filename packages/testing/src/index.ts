export type { SignOptions, TestIssuer, TestIssuerOptions } from './issuer.js';
export { createTestIssuer } from './issuer.js';
export type { Misbehaviour } from './jwks-server.js';
export type { CognitoJwk, CognitoJwks } from './keys.js';
export type { MemberOverrides } from './members.js';
export type {
  AccessTokenOptions,
  ClientCredentialsOptions,
  IdTokenOptions,
  IssuerFormOption,
  TokenOptions,
} from './tokens.js';
