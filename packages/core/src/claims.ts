import { type AuthError, refusal } from './errors.js';

/** The two kinds of Cognito token; `token_use` says which. */
export type TokenUse = 'access' | 'id';

/** Claims every Cognito user-pool token carries. */
export interface CognitoBaseClaims {
  readonly sub: string;
  readonly iss: string;
  readonly token_use: TokenUse;
  readonly exp: number;
  readonly iat: number;
  readonly auth_time?: number;
  readonly jti?: string;
  readonly origin_jti?: string;
  readonly event_id?: string;
  readonly 'cognito:groups'?: readonly string[];
  /** IAM role ARNs of the user's groups (ID tokens). */
  readonly 'cognito:roles'?: readonly string[];
  /** The role of the user's group with the best precedence (ID tokens). */
  readonly 'cognito:preferred_role'?: string;
  /** Custom user attributes, present on ID tokens (and on access tokens with a pre-token-generation trigger). */
  readonly [custom: `custom:${string}`]: unknown;
  readonly [claim: string]: unknown;
}

/** An access token's claims: `client_id`, `scope` and `username`, and no `aud`. */
export interface AccessTokenClaims extends CognitoBaseClaims {
  readonly token_use: 'access';
  readonly client_id: string;
  readonly scope?: string;
  /** Absent on client-credentials (machine) tokens. */
  readonly username?: string;
  readonly version?: number;
}

/** An ID token's claims: `aud` is the client, the user is `cognito:username`. */
export interface IdTokenClaims extends CognitoBaseClaims {
  readonly token_use: 'id';
  readonly aud: string;
  readonly 'cognito:username'?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly phone_number?: string;
  readonly phone_number_verified?: boolean;
}

/** The claims type for a configured `tokenUse` (`null` accepts either kind). */
export type ClaimsFor<T extends TokenUse | null> = T extends 'access'
  ? AccessTokenClaims
  : T extends 'id'
    ? IdTokenClaims
    : AccessTokenClaims | IdTokenClaims;

const OPTIONAL_STRINGS = [
  'username',
  'cognito:username',
  'jti',
  'origin_jti',
  'event_id',
  'scope',
  'client_id',
  'aud',
] as const;
const OPTIONAL_NUMBERS = ['nbf', 'auth_time'] as const;

function isNumericDate(value: unknown): value is number {
  // RFC 7519 §2 NumericDate: a JSON number, fractions allowed; `1e400` parses to Infinity.
  return typeof value === 'number' && Number.isFinite(value);
}

function claimType(detail: string): AuthError {
  return refusal('CLAIM_TYPE', detail);
}

/**
 * Strict claim types, as Cognito emits them (SECURITY.md R19, R21, R26, decisions 3 and 6).
 * Runs on the unverified payload so that nothing later reads a claim of a surprising type;
 * it makes no decision that the signature could change.
 */
export function checkClaimTypes(payload: Record<string, unknown>): void {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw claimType('sub');
  if (typeof payload.token_use !== 'string') throw claimType('token_use');
  if (!isNumericDate(payload.exp)) throw claimType('exp');
  if (!isNumericDate(payload.iat)) throw claimType('iat');
  for (const name of OPTIONAL_NUMBERS) {
    if (payload[name] !== undefined && !isNumericDate(payload[name])) throw claimType(name);
  }
  for (const name of OPTIONAL_STRINGS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') throw claimType(name);
  }
  // The audience claim each kind must carry (R24): no fallback from client_id to aud.
  if (payload.token_use === 'access' && payload.client_id === undefined)
    throw claimType('client_id');
  if (payload.token_use === 'id' && payload.aud === undefined) throw claimType('aud');
  const groups = payload['cognito:groups'];
  if (groups !== undefined) {
    // aws-jwt-verify reads a string as one group; Cognito always emits an array.
    if (!Array.isArray(groups) || !groups.every((g) => typeof g === 'string')) {
      throw claimType('cognito:groups');
    }
  }
}

/** Time rules, all against the injected clock (SECURITY.md R19-R22, decisions 3 and 4). */
export interface TimeRules {
  readonly toleranceSeconds: number;
  readonly maxLifetimeSeconds: number;
}

/**
 * Checks `exp`, `nbf`, `iat` and the lifetime at `nowSeconds`. Claim types must have been
 * checked already.
 */
export function checkTimes(
  payload: Record<string, unknown>,
  nowSeconds: number,
  rules: TimeRules,
): void {
  const exp = payload.exp as number;
  const iat = payload.iat as number;
  const nbf = payload.nbf as number | undefined;
  const leeway = rules.toleranceSeconds;
  if (nowSeconds >= exp + leeway) throw refusal('EXPIRED');
  if (nbf !== undefined && nowSeconds + leeway < nbf) throw refusal('NOT_YET_VALID');
  if (iat > nowSeconds + leeway) throw refusal('IAT_INVALID');
  // Cognito issues tokens valid for at most one day; `exp` in milliseconds or 1e300 is not a
  // token Cognito made, and would otherwise live in every cache forever.
  if (
    exp - iat > rules.maxLifetimeSeconds ||
    exp > nowSeconds + rules.maxLifetimeSeconds + leeway
  ) {
    throw refusal('LIFETIME');
  }
}

/** Freezes a parsed JSON value in place, all the way down. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
