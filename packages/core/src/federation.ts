import { AuthError } from './errors.js';

/**
 * Federated users and IAM roles in user-pool ID tokens.
 *
 * A user who signed in through a social or enterprise provider carries `identities`: a list of
 * `{ userId, providerName, providerType, issuer, primary, dateCreated }`, where `primary` and
 * `dateCreated` are strings (Amazon Cognito developer guide, "Understanding the identity
 * (ID) token": https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html).
 * Groups mapped to IAM roles put `cognito:roles` (the role ARNs of the user's groups) and
 * `cognito:preferred_role` (the role of the group with the best precedence) in the ID token
 * (developer guide, "Adding groups to a user pool").
 */

/** One linked provider identity of a federated user. Frozen. */
export interface FederatedIdentity {
  /** The user's id at the provider. */
  readonly userId: string;
  /** The provider's name in the user pool, e.g. `Google`, `SignInWithApple`, a SAML name. */
  readonly providerName: string;
  /** `Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`, `SAML` or `OIDC`. */
  readonly providerType: string;
  /** The provider's issuer, when Cognito records one. */
  readonly issuer: string | undefined;
  /** Cognito's `primary` (`"true"`/`"false"` in the token). */
  readonly primary: boolean;
  /** Cognito's `dateCreated` (epoch milliseconds, a string in the token). */
  readonly dateCreated: number | undefined;
}

/** The IAM roles of the user's groups. Frozen. */
export interface RoleClaims {
  /** `cognito:roles`: role ARNs, or empty. */
  readonly arns: readonly string[];
  /** `cognito:preferred_role`, when present. */
  readonly preferred: string | undefined;
}

function claimType(detail: string): AuthError {
  return new AuthError('CLAIM_TYPE', { cause: detail });
}

function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const EMPTY_FEDERATION: readonly FederatedIdentity[] = Object.freeze([]);
const NO_ROLES: RoleClaims = Object.freeze({ arns: Object.freeze([]), preferred: undefined });

/**
 * The `identities` claim, checked and converted; empty when absent. A string, a non-array, an
 * entry that is not an object, a non-string `userId`/`providerName`/`providerType`, a
 * `primary` other than `"true"`/`"false"` or a non-numeric `dateCreated`: `CLAIM_TYPE`.
 */
export function federationOf(
  claims: Readonly<Record<string, unknown>>,
): readonly FederatedIdentity[] {
  const value = own(claims, 'identities');
  if (value === undefined) return EMPTY_FEDERATION;
  if (!Array.isArray(value) || value.length > 100) throw claimType('identities');
  return Object.freeze(
    value.map((entry: unknown) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        throw claimType('identities entry');
      }
      const item = entry as Record<string, unknown>;
      const userId = own(item, 'userId');
      const providerName = own(item, 'providerName');
      const providerType = own(item, 'providerType');
      if (typeof userId !== 'string') throw claimType('identities.userId');
      if (typeof providerName !== 'string' || providerName.length === 0) {
        throw claimType('identities.providerName');
      }
      if (typeof providerType !== 'string') throw claimType('identities.providerType');
      const issuer = own(item, 'issuer');
      if (issuer !== undefined && issuer !== null && typeof issuer !== 'string') {
        throw claimType('identities.issuer');
      }
      const primary = own(item, 'primary');
      if (primary !== undefined && primary !== 'true' && primary !== 'false') {
        throw claimType('identities.primary');
      }
      const dateCreated = own(item, 'dateCreated');
      if (
        dateCreated !== undefined &&
        (typeof dateCreated !== 'string' || !/^\d{1,16}$/.test(dateCreated))
      ) {
        throw claimType('identities.dateCreated');
      }
      return Object.freeze({
        userId,
        providerName,
        providerType,
        issuer: typeof issuer === 'string' ? issuer : undefined,
        primary: primary === 'true',
        dateCreated: dateCreated === undefined ? undefined : Number(dateCreated),
      });
    }),
  );
}

/**
 * `cognito:roles` and `cognito:preferred_role`, checked; empty when absent. Roles as a string
 * (not a list), a non-string role, or a non-string preferred role: `CLAIM_TYPE`.
 */
export function rolesOf(claims: Readonly<Record<string, unknown>>): RoleClaims {
  const roles = own(claims, 'cognito:roles');
  const preferred = own(claims, 'cognito:preferred_role');
  if (roles === undefined && preferred === undefined) return NO_ROLES;
  if (
    roles !== undefined &&
    (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string'))
  ) {
    throw claimType('cognito:roles');
  }
  if (preferred !== undefined && typeof preferred !== 'string') {
    throw claimType('cognito:preferred_role');
  }
  return Object.freeze({
    arns: Object.freeze([...((roles as string[] | undefined) ?? [])]),
    preferred: preferred as string | undefined,
  });
}
