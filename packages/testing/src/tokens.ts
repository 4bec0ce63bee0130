import { randomUUID } from 'node:crypto';
import type { MemberOverrides } from './members.js';
import { applyOverrides } from './members.js';

/**
 * Which issuer a minted token names: the pool's original form
 * (`https://cognito-idp.<region>.amazonaws.com/<poolId>`), its updated form
 * (`https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>`), or the original form from a
 * replica Region (`https://cognito-idp.<replicaRegion>.amazonaws.com/<poolId>`).
 *
 * @example
 * const form: IssuerFormOption = { replicaRegion: 'us-west-2' };
 */
export type IssuerFormOption = 'original' | 'updated' | { readonly replicaRegion: string };

/**
 * Options every minted token accepts.
 *
 * @example
 * const expired: TokenOptions = { issuedAt: 1_700_000_000, expiresIn: -60 };
 */
export interface TokenOptions {
  /** App client id; defaults to the issuer's `clientId`. */
  clientId?: string | undefined;
  /** Seconds from `iat` to `exp`; default 3600, Cognito's default. Negative builds expired tokens. */
  expiresIn?: number | undefined;
  /** `iat` (and `auth_time`) in epoch seconds; defaults to the issuer's clock. */
  issuedAt?: number | undefined;
  /** Claims merged last, over everything else; `undefined` deletes a claim (e.g. `exp`). */
  claims?: MemberOverrides | undefined;
  /** Header members merged over `{ kid, alg: 'RS256' }`; `undefined` deletes one. */
  header?: MemberOverrides | undefined;
  /** Sign with this key (one the issuer generated, even if rotated out or removed). */
  kid?: string | undefined;
  /** The issuer form `iss` names; default the issuer's own (`TestIssuer.issuer`). */
  issuerForm?: IssuerFormOption | undefined;
}

/**
 * Options for a user's access token.
 *
 * @example
 * await issuer.mintAccessToken({ username: 'alice', groups: ['admin'], scopes: ['orders/read'] });
 */
export interface AccessTokenOptions extends TokenOptions {
  /** Default `'test-user'`. */
  username?: string | undefined;
  /** Default: a random UUID, the same for the same username within one issuer. */
  sub?: string | undefined;
  /** `cognito:groups`; the claim is left out when empty, as Cognito does. */
  groups?: readonly string[] | undefined;
  /** Joined with single spaces into `scope`; default `['aws.cognito.signin.user.admin']`. */
  scopes?: readonly string[] | undefined;
}

/**
 * Options for an ID token.
 *
 * @example
 * await issuer.mintIdToken({ email: 'alice@example.com', attributes: { 'custom:tenant': 'acme' } });
 */
export interface IdTokenOptions extends TokenOptions {
  /** `cognito:username`; default `'test-user'`. */
  username?: string | undefined;
  /** Default: a random UUID, the same for the same username within one issuer. */
  sub?: string | undefined;
  /** `cognito:groups`; the claim is left out when empty, as Cognito does. */
  groups?: readonly string[] | undefined;
  /** Default: the username if it looks like an address, else `<username>@example.com`. */
  email?: string | undefined;
  /** User attributes by claim name (`'custom:tenant'`, `'name'`...), placed after `email`. */
  attributes?: Readonly<Record<string, string>> | undefined;
  /**
   * A federated user, as Cognito writes one: `identities` with this provider (`primary` and
   * `dateCreated` as strings), the username `<providerName>_<userId>` unless `username` is
   * given, and the automatic group `<poolId>_<providerName>` added to `groups`.
   */
  federation?:
    | {
        readonly providerName: string;
        /** Default: `providerName` (`Google`, `Facebook`, `SignInWithApple`, `LoginWithAmazon`), or give `SAML`/`OIDC`. */
        readonly providerType?: string | undefined;
        readonly userId: string;
      }
    | undefined;
  /** `cognito:roles`: IAM role ARNs of the user's groups; left out when empty. */
  roles?: readonly string[] | undefined;
  /** `cognito:preferred_role`. */
  preferredRole?: string | undefined;
}

/**
 * Options for a machine-to-machine access token (client credentials grant).
 *
 * @example
 * await issuer.mintClientCredentialsToken({ scopes: ['orders/read', 'orders/write'] });
 */
export interface ClientCredentialsOptions extends TokenOptions {
  /** Joined with single spaces into `scope`; default `['test-api/read']`. */
  scopes?: readonly string[] | undefined;
}

/**
 * What claim builders need from the issuer.
 *
 * @example
 * const context: ClaimContext = { issuer: 'https://cognito-idp...', clientId: 'abc',
 *   now: () => 1_700_000_000, subFor: () => randomUUID() };
 */
export interface ClaimContext {
  readonly issuer: string;
  readonly clientId: string;
  /** Current time in epoch seconds. */
  readonly now: () => number;
  /** The stable `sub` of a username. */
  readonly subFor: (username: string) => string;
  /** The `iss` of a form; without it, tokens asking for a form are refused. */
  readonly issuerFor?: ((form: IssuerFormOption) => string) | undefined;
}

function issuerOf(context: ClaimContext, options: TokenOptions): string {
  if (options.issuerForm === undefined) return context.issuer;
  if (context.issuerFor === undefined) {
    throw new TypeError('issuerForm needs a claim context with issuerFor');
  }
  return context.issuerFor(options.issuerForm);
}

const DEFAULT_USERNAME = 'test-user';
// Cognito's default for both token lifetimes is one hour.
const DEFAULT_EXPIRES_IN = 3600;
// The scope Cognito puts in access tokens from its own API (InitiateAuth) rather than OAuth.
const DEFAULT_USER_SCOPES = ['aws.cognito.signin.user.admin'];
// Cognito requires at least one custom (resource server) scope for client credentials.
const DEFAULT_CLIENT_SCOPES = ['test-api/read'];

// The claim order of each builder follows the samples in the Amazon Cognito developer guide
// ("Understanding the access token", "Understanding the identity (ID) token",
// "Scopes, M2M, and APIs with resource servers"), so a token reads like one from Cognito.

/**
 * The claims of a user's access token, as Cognito issues them from a sign-in.
 *
 * @example
 * accessTokenClaims(context, { username: 'alice' })['token_use']; // 'access'
 */
export function accessTokenClaims(
  context: ClaimContext,
  options: AccessTokenOptions,
): Record<string, unknown> {
  const username = options.username ?? DEFAULT_USERNAME;
  const times = timeClaims(context, options);
  return applyOverrides(
    {
      sub: options.sub ?? context.subFor(username),
      ...groupsClaim(options.groups),
      iss: issuerOf(context, options),
      version: 2,
      client_id: options.clientId ?? context.clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: 'access',
      scope: (options.scopes ?? DEFAULT_USER_SCOPES).join(' '),
      auth_time: times.auth_time,
      exp: times.exp,
      iat: times.iat,
      jti: randomUUID(),
      username,
    },
    options.claims,
  );
}

/**
 * The claims of an ID token. `aud` is the app client id as a string, as Cognito sends it.
 *
 * @example
 * idTokenClaims(context, { attributes: { 'custom:tenant': 'acme' } })['custom:tenant']; // 'acme'
 */
export function idTokenClaims(
  context: ClaimContext,
  options: IdTokenOptions,
): Record<string, unknown> {
  const federation = options.federation;
  const username =
    options.username ??
    (federation === undefined
      ? DEFAULT_USERNAME
      : `${federation.providerName}_${federation.userId}`);
  const times = timeClaims(context, options);
  const poolId = context.issuer.slice(context.issuer.lastIndexOf('/') + 1);
  const groups =
    federation === undefined
      ? options.groups
      : [...(options.groups ?? []), `${poolId}_${federation.providerName}`];
  const standard = {
    sub: options.sub ?? context.subFor(username),
    ...groupsClaim(groups),
    ...(options.roles !== undefined && options.roles.length > 0
      ? { 'cognito:roles': [...options.roles] }
      : {}),
    ...(options.preferredRole === undefined
      ? {}
      : { 'cognito:preferred_role': options.preferredRole }),
    ...(federation === undefined
      ? {}
      : {
          identities: [
            {
              dateCreated: String(times.iat * 1000),
              userId: federation.userId,
              providerName: federation.providerName,
              providerType: federation.providerType ?? federation.providerName,
              issuer: null,
              primary: 'true',
            },
          ],
        }),
    email_verified: true,
    iss: issuerOf(context, options),
    'cognito:username': username,
    origin_jti: randomUUID(),
    aud: options.clientId ?? context.clientId,
    event_id: randomUUID(),
    token_use: 'id',
    auth_time: times.auth_time,
    exp: times.exp,
    iat: times.iat,
    jti: randomUUID(),
    email: options.email ?? (username.includes('@') ? username : `${username}@example.com`),
  };
  return applyOverrides(applyOverrides(standard, options.attributes), options.claims);
}

/**
 * The claims of an access token from the client credentials grant: the client is the subject,
 * so there is no `username`, no groups, and no `origin_jti` or `event_id`.
 *
 * @example
 * clientCredentialsClaims(context, {})['sub'] === context.clientId; // true
 */
export function clientCredentialsClaims(
  context: ClaimContext,
  options: ClientCredentialsOptions,
): Record<string, unknown> {
  const clientId = options.clientId ?? context.clientId;
  const times = timeClaims(context, options);
  return applyOverrides(
    {
      sub: clientId,
      token_use: 'access',
      scope: (options.scopes ?? DEFAULT_CLIENT_SCOPES).join(' '),
      auth_time: times.auth_time,
      iss: issuerOf(context, options),
      exp: times.exp,
      iat: times.iat,
      version: 2,
      jti: randomUUID(),
      client_id: clientId,
    },
    options.claims,
  );
}

function timeClaims(
  context: ClaimContext,
  options: TokenOptions,
): { auth_time: number; exp: number; iat: number } {
  const iat = options.issuedAt ?? context.now();
  return { auth_time: iat, exp: iat + (options.expiresIn ?? DEFAULT_EXPIRES_IN), iat };
}

function groupsClaim(groups: readonly string[] | undefined): Record<string, unknown> {
  return groups !== undefined && groups.length > 0 ? { 'cognito:groups': [...groups] } : {};
}
