import {
  AuthError,
  type ErrorCode,
  type ErrorKind,
  requireAuthenticated,
  requireFederation,
  requireIdentityPool,
  requireLoginProvider,
  requirePreferredRole,
  requireRoles,
  type Verifier,
} from '@cognito-guard/core';
import type { TestIdentityLogin, TestIdentityPool, TestIssuer } from '@cognito-guard/testing';
import type { IdentityRouteRule, OutcomeKind, RouteRule, Surface } from './driver.js';

/**
 * The adapter conformance table: one list of cases, run against every adapter. Each case states the
 * AuthError code it must produce (`null`: allowed) and the HTTP answer of the Express/Fastify
 * surface (SECURITY.md surface table, RFC 6750 §3). Other surfaces map the code through
 * {@link OUTCOMES}.
 */

/** The realm every driver configures, so challenges can be compared exactly. */
export const REALM = 'conformance';

/** The IAM role of the group the role-bearing tokens below map to. */
export const EDITOR_ROLE = 'arn:aws:iam::123456789012:role/conformance-editors';

/** A federated user's `identities` entry, as Cognito writes it (strings for primary, dateCreated). */
const GOOGLE_IDENTITY = {
  userId: '109876543210',
  providerName: 'Google',
  providerType: 'Google',
  issuer: null,
  primary: 'true',
  dateCreated: '1642699117273',
};

/** The routes every driver serves; each answers `200 { sub }` when its handler runs. */
export const ROUTES = [
  { path: '/protected', auth: 'required' },
  { path: '/orders', auth: 'required', scopes: ['orders/read'] },
  { path: '/admin', auth: 'required', groups: ['admin'] },
  { path: '/optional', auth: 'optional' },
  { path: '/federated', auth: 'required', policy: requireFederation('Google') },
  { path: '/editors', auth: 'required', policy: requireRoles(EDITOR_ROLE) },
  { path: '/preferred', auth: 'required', policy: requirePreferredRole(EDITOR_ROLE) },
] as const satisfies readonly RouteRule[];

export type RoutePath = (typeof ROUTES)[number]['path'];

/** The known subject of the happy-path tokens. */
export const ALICE = '7d8ca528-4931-4254-9273-ea5ee853f271';

/** The user pool the verifier trusts (`issuer` below). */
export const USER_POOL_ID = 'us-east-1_Conform1';

/** What a case may use; the verifier is fresh for every case. */
export interface CaseContext {
  /** The pool the verifier trusts. */
  readonly issuer: TestIssuer;
  /** A pool the verifier does not trust (its own keys and JWKS). */
  readonly otherIssuer: TestIssuer;
  /** An identity pool (RS512 OpenID tokens), trusted by the identity-pool table only. */
  readonly identityPool: TestIdentityPool;
  readonly verifier: Verifier;
  /** Drives the issuers and the verifier; never real sleeps. */
  readonly clock: { now(): number; advance(seconds: number): void };
}

/** The request a case sends. */
export interface CaseRequest {
  readonly path: RoutePath;
  /** Without the `?`. */
  readonly query?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

/** The HTTP answer of the Express/Fastify surface. */
export interface HttpExpectation {
  readonly status: 200 | 400 | 401 | 403 | 503;
  /**
   * The RFC 6750 `error` of the challenge and body; `null` for a challenge without `error`
   * (no credentials, RFC 6750 §3); absent when allowed.
   */
  readonly error?:
    | 'invalid_request'
    | 'invalid_token'
    | 'insufficient_scope'
    | 'temporarily_unavailable'
    | null;
  /** The `scope` attribute of a 403 challenge, when scopes were required. */
  readonly scope?: string;
  /** The `sub` the handler sees when allowed; `null` for an optional route without a token. */
  readonly sub?: string | null;
}

export interface ConformanceCase {
  /** Present tense, what the adapter does. */
  readonly name: string;
  /** The AuthError code; `null` when the request is allowed. */
  readonly code: ErrorCode | null;
  readonly http: HttpExpectation;
  readonly arrange?: (ctx: CaseContext) => void | Promise<void>;
  readonly request: (ctx: CaseContext) => Promise<CaseRequest>;
  /** Always runs, even when the case fails. */
  readonly restore?: (ctx: CaseContext) => void | Promise<void>;
}

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

/** The identity pool of `ctx.identityPool`; the identity-pool verifier trusts it… */
export const IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-0000c0f0a001';
/** …and this one (same keys: `aud` is the only difference), which `/identity/pool` refuses. */
export const SECOND_IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-0000c0f0a002';
/** An identity pool the identity-pool verifier does not trust. */
const FOREIGN_IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-0000c0f0a003';

/** Identity ids (`sub` of identity-pool tokens), fixed so the table can name them. */
export const MEMBER_IDENTITY = 'us-east-1:5b1e7c0a-1111-4c2d-9e3f-0a1b2c3d4e01';
export const GOOGLE_IDENTITY_ID = 'us-east-1:5b1e7c0a-1111-4c2d-9e3f-0a1b2c3d4e02';
export const GUEST_IDENTITY = 'us-east-1:5b1e7c0a-1111-4c2d-9e3f-0a1b2c3d4e03';

/** A user-pool user (alice of the trusted user pool) logged in to the identity pool. */
const MEMBER_LOGIN: TestIdentityLogin = { kind: 'user-pool', userPoolId: USER_POOL_ID, sub: ALICE };
const GOOGLE_LOGIN: TestIdentityLogin = {
  kind: 'social',
  provider: 'accounts.google.com',
  userId: '109876543210',
};

const reader = (ctx: CaseContext) =>
  ctx.issuer.mintAccessToken({
    username: 'alice',
    sub: ALICE,
    scopes: ['orders/read'],
    groups: ['readers'],
  });

/** The reader's token with `claims` merged in (still signed by the pool's key). */
const withClaims = (ctx: CaseContext, claims: Record<string, unknown>) =>
  ctx.issuer.mintAccessToken({
    username: 'alice',
    sub: ALICE,
    scopes: ['orders/read'],
    groups: ['readers'],
    claims,
  });

export const CASES: readonly ConformanceCase[] = [
  // Transport (RFC 6750 §2, §3; SECURITY.md R29-R33).
  {
    name: 'answers 401 with a bare challenge when there is no Authorization header',
    code: 'NO_CREDENTIALS',
    http: { status: 401, error: null },
    request: async () => ({ path: '/protected' }),
  },
  {
    name: 'treats another scheme (Basic) as no bearer credentials',
    code: 'NO_CREDENTIALS',
    http: { status: 401, error: null },
    request: async () => ({ path: '/protected', headers: [['Authorization', 'Basic YTpi']] }),
  },
  {
    name: 'treats a query-only token as no credentials while query tokens are off',
    code: 'NO_CREDENTIALS',
    http: { status: 401, error: null },
    request: async (ctx) => ({ path: '/protected', query: `access_token=${await reader(ctx)}` }),
  },
  {
    name: 'answers 400 to a malformed Authorization header',
    code: 'BAD_REQUEST',
    http: { status: 400, error: 'invalid_request' },
    request: async () => ({ path: '/protected', headers: [['Authorization', 'Bearer a b']] }),
  },
  {
    name: 'answers 400 to a TAB between scheme and token',
    code: 'BAD_REQUEST',
    http: { status: 400, error: 'invalid_request' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [['Authorization', `Bearer\t${await reader(ctx)}`]],
    }),
  },
  {
    name: 'answers 400 to two Authorization headers',
    code: 'BAD_REQUEST',
    http: { status: 400, error: 'invalid_request' },
    request: async (ctx) => {
      const token = await reader(ctx);
      return { path: '/protected', headers: [bearer(token), ['authorization', `Bearer ${token}`]] };
    },
  },
  {
    name: 'answers 400 to a token in the header and in the query',
    code: 'BAD_REQUEST',
    http: { status: 400, error: 'invalid_request' },
    request: async (ctx) => {
      const token = await reader(ctx);
      return { path: '/protected', query: `access_token=${token}`, headers: [bearer(token)] };
    },
  },
  {
    name: 'accepts the scheme in any case',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({
      path: '/protected',
      headers: [['Authorization', `bEaReR ${await reader(ctx)}`]],
    }),
  },

  // The token (SECURITY.md R18, R23-R25).
  {
    name: 'answers 401 invalid_token to an expired token',
    code: 'EXPIRED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => {
      const issuedAt = Math.floor(ctx.clock.now() / 1000) - 7200;
      const token = await ctx.issuer.mintAccessToken({ issuedAt, expiresIn: 3600 });
      return { path: '/protected', headers: [bearer(token)] };
    },
  },
  {
    name: 'answers 401 invalid_token to a token from another pool',
    code: 'ISSUER',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [bearer(await ctx.otherIssuer.mintAccessToken())],
    }),
  },
  {
    name: 'answers 401 invalid_token to a token from another pool with the same kid',
    code: 'SIGNATURE_INVALID',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => {
      // The trusted pool's claims and kid, signed with the other pool's key.
      const genuine = await reader(ctx);
      const claims = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString());
      const forged = await ctx.otherIssuer.sign(claims, { header: { kid: ctx.issuer.currentKid } });
      return { path: '/protected', headers: [bearer(forged)] };
    },
  },
  {
    name: 'answers 401 invalid_token to an id token where access tokens are expected',
    code: 'TOKEN_USE',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [bearer(await ctx.issuer.mintIdToken({ username: 'alice', sub: ALICE }))],
    }),
  },
  {
    name: 'answers 401 invalid_token to a token issued to another client',
    code: 'CLIENT_ID',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [
        bearer(await ctx.issuer.mintAccessToken({ clientId: 'anotherclient000000000001' })),
      ],
    }),
  },

  {
    // Identity-pool OpenID tokens are RS512 (GetOpenIdToken); a user-pool verifier admits
    // RS256 only, before it looks at the issuer.
    name: 'answers 401 invalid_token to an identity-pool token where user-pool tokens are expected',
    code: 'ALG_NOT_ALLOWED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [bearer(await ctx.identityPool.mintOpenIdToken({ login: MEMBER_LOGIN }))],
    }),
  },

  // Authorization (RFC 6750 §3.1 insufficient_scope).
  {
    name: 'answers 403 insufficient_scope with the scope attribute when a scope is missing',
    code: 'INSUFFICIENT_SCOPE',
    http: { status: 403, error: 'insufficient_scope', scope: 'orders/read' },
    request: async (ctx) => ({
      path: '/orders',
      headers: [bearer(await ctx.issuer.mintAccessToken({ scopes: ['orders/write'] }))],
    }),
  },
  {
    name: 'answers 403 insufficient_scope when a group is missing',
    code: 'GROUP_NOT_ALLOWED',
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({ path: '/admin', headers: [bearer(await reader(ctx))] }),
  },

  // Federated users and group roles (identities, cognito:roles, cognito:preferred_role).
  {
    name: 'allows a user federated through the required provider',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({
      path: '/federated',
      headers: [bearer(await withClaims(ctx, { identities: [GOOGLE_IDENTITY] }))],
    }),
  },
  {
    name: 'answers 403 to a user who is not federated where federation is required',
    code: 'CLAIM_CHECK',
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({ path: '/federated', headers: [bearer(await reader(ctx))] }),
  },
  {
    name: 'allows a user whose groups carry the required IAM role',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({
      path: '/editors',
      headers: [bearer(await withClaims(ctx, { 'cognito:roles': [EDITOR_ROLE] }))],
    }),
  },
  {
    name: 'answers 403 when the preferred role is another one',
    code: 'CLAIM_CHECK',
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({
      path: '/preferred',
      headers: [
        bearer(
          await withClaims(ctx, {
            'cognito:roles': [EDITOR_ROLE],
            'cognito:preferred_role': 'arn:aws:iam::123456789012:role/other',
          }),
        ),
      ],
    }),
  },
  {
    name: 'answers 401 invalid_token to cognito:roles as a string',
    code: 'CLAIM_TYPE',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/editors',
      headers: [bearer(await withClaims(ctx, { 'cognito:roles': EDITOR_ROLE }))],
    }),
  },
  {
    name: 'answers 401 invalid_token to identities with a non-string providerName',
    code: 'CLAIM_TYPE',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/protected',
      headers: [
        bearer(await withClaims(ctx, { identities: [{ ...GOOGLE_IDENTITY, providerName: 7 }] })),
      ],
    }),
  },

  // Availability (SECURITY.md R38, decision 7).
  {
    name: 'answers 503 with Retry-After to an unknown kid while the JWKS is down',
    code: 'JWKS_UNAVAILABLE',
    http: { status: 503, error: 'temporarily_unavailable' },
    arrange: async (ctx) => {
      await ctx.verifier.hydrate();
      ctx.issuer.misbehave({ kind: 'down' });
      // Past the refetch cooldown, so the unknown kid does make the verifier try the JWKS.
      ctx.clock.advance(31);
    },
    request: async (ctx) => ({
      path: '/protected',
      headers: [
        bearer(
          await ctx.issuer.mintAccessToken({ header: { kid: 'a-kid-the-pool-never-served' } }),
        ),
      ],
    }),
    restore: (ctx) => ctx.issuer.misbehave(null),
  },

  // Optional authentication.
  {
    name: 'lets a request without a token through an optional route with no auth',
    code: null,
    http: { status: 200, sub: null },
    request: async () => ({ path: '/optional' }),
  },
  {
    name: 'lets another scheme through an optional route with no auth',
    code: null,
    http: { status: 200, sub: null },
    request: async () => ({ path: '/optional', headers: [['Authorization', 'Basic YTpi']] }),
  },
  {
    name: 'still rejects a bad token on an optional route',
    code: 'EXPIRED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => {
      const issuedAt = Math.floor(ctx.clock.now() / 1000) - 7200;
      const token = await ctx.issuer.mintAccessToken({ issuedAt, expiresIn: 3600 });
      return { path: '/optional', headers: [bearer(token)] };
    },
  },
  {
    name: 'still rejects two Authorization headers on an optional route',
    code: 'BAD_REQUEST',
    http: { status: 400, error: 'invalid_request' },
    request: async (ctx) => {
      const token = await reader(ctx);
      return { path: '/optional', headers: [bearer(token), bearer(token)] };
    },
  },
  {
    name: 'shows the claims to the handler of an optional route when a token is sent',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({ path: '/optional', headers: [bearer(await reader(ctx))] }),
  },

  // Happy paths: the handler sees the verified claims.
  {
    name: 'shows the claims to the handler of an authenticated route',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({ path: '/protected', headers: [bearer(await reader(ctx))] }),
  },
  {
    name: 'allows a token with the required scope',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => ({ path: '/orders', headers: [bearer(await reader(ctx))] }),
  },
  {
    name: 'allows a user in the required group',
    code: null,
    http: { status: 200, sub: ALICE },
    request: async (ctx) => {
      const token = await ctx.issuer.mintAccessToken({ sub: ALICE, groups: ['readers', 'admin'] });
      return { path: '/admin', headers: [bearer(token)] };
    },
  },
];

/** The routes of the identity-pool table; each answers `200 { sub: <identity id> }`. */
export const IDENTITY_ROUTES = [
  { path: '/identity', auth: 'required' },
  { path: '/identity/optional', auth: 'optional' },
  { path: '/identity/members', auth: 'required', policy: requireAuthenticated() },
  { path: '/identity/pool', auth: 'required', policy: requireIdentityPool(IDENTITY_POOL_ID) },
  {
    path: '/identity/google',
    auth: 'required',
    policy: requireLoginProvider('accounts.google.com'),
  },
] as const satisfies readonly IdentityRouteRule[];

export type IdentityRoutePath = (typeof IDENTITY_ROUTES)[number]['path'];

/** What an identity-pool case may use. */
export interface IdentityCaseContext {
  /** The identity pool whose JWKS the verifier uses (`IDENTITY_POOL_ID`). */
  readonly identityPool: TestIdentityPool;
  /** The trusted user pool, for a user-pool token sent where identity tokens are expected. */
  readonly issuer: TestIssuer;
  readonly clock: CaseContext['clock'];
}

/** A row of the identity-pool table: {@link ConformanceCase}, for identity-pool tokens. */
export interface IdentityConformanceCase {
  readonly name: string;
  /** The AuthError code; `null` when the request is allowed. */
  readonly code: ErrorCode | null;
  /** `sub` is the identity id the handler sees. */
  readonly http: HttpExpectation;
  /**
   * The verifier's `allowGuests` (default false). It trusts `IDENTITY_POOL_ID` and
   * `SECOND_IDENTITY_POOL_ID`.
   */
  readonly allowGuests?: boolean;
  readonly request: (ctx: IdentityCaseContext) => Promise<{
    readonly path: IdentityRoutePath;
    readonly headers?: readonly (readonly [string, string])[];
  }>;
}

const member = (ctx: IdentityCaseContext, audience?: string) =>
  ctx.identityPool.mintOpenIdToken({
    login: MEMBER_LOGIN,
    identityId: MEMBER_IDENTITY,
    ...(audience === undefined ? {} : { audience }),
  });

const google = (ctx: IdentityCaseContext) =>
  ctx.identityPool.mintOpenIdToken({ login: GOOGLE_LOGIN, identityId: GOOGLE_IDENTITY_ID });

const guest = (ctx: IdentityCaseContext) =>
  ctx.identityPool.mintOpenIdToken({ login: { kind: 'guest' }, identityId: GUEST_IDENTITY });

/**
 * The identity-pool table: identity-pool OpenID tokens (`GetOpenIdToken`: RS512,
 * `iss` `https://cognito-identity.amazonaws.com`, `aud` the identity pool, `amr` the login;
 * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html)
 * as bearer tokens, and the identity policies over them, through every adapter that accepts
 * them (Express `identityPoolAuth`/`requireIdentity`, Fastify
 * `identityPoolGuard`/`requireIdentity`). Answers follow the HTTP row of {@link OUTCOMES}:
 * a token refused is 401 `invalid_token`, a policy refusal 403 `insufficient_scope`.
 */
export const IDENTITY_CASES: readonly IdentityConformanceCase[] = [
  // The token.
  {
    name: 'shows the identity id of a user-pool login to the handler',
    code: null,
    http: { status: 200, sub: MEMBER_IDENTITY },
    request: async (ctx) => ({ path: '/identity', headers: [bearer(await member(ctx))] }),
  },
  {
    name: 'answers 401 with a bare challenge to an identity route without a token',
    code: 'NO_CREDENTIALS',
    http: { status: 401, error: null },
    request: async () => ({ path: '/identity' }),
  },
  {
    name: 'answers 401 invalid_token to a guest where guests are not allowed',
    code: 'TOKEN_USE',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({ path: '/identity', headers: [bearer(await guest(ctx))] }),
  },
  {
    name: 'shows the identity id of a guest to the handler where guests are allowed',
    code: null,
    allowGuests: true,
    http: { status: 200, sub: GUEST_IDENTITY },
    request: async (ctx) => ({ path: '/identity', headers: [bearer(await guest(ctx))] }),
  },
  {
    name: 'answers 401 invalid_token to a token of an identity pool it does not trust',
    code: 'CLIENT_ID',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/identity',
      headers: [bearer(await member(ctx, FOREIGN_IDENTITY_POOL_ID))],
    }),
  },
  {
    // A user-pool token is RS256: refused at the header, before its issuer is read.
    name: 'answers 401 invalid_token to a user-pool token where identity-pool tokens are expected',
    code: 'ALG_NOT_ALLOWED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({
      path: '/identity',
      headers: [bearer(await ctx.issuer.mintAccessToken({ username: 'alice', sub: ALICE }))],
    }),
  },
  {
    name: 'answers 401 invalid_token to an identity-pool token whose header says RS256',
    code: 'ALG_NOT_ALLOWED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => {
      const token = await ctx.identityPool.mintOpenIdToken({
        login: MEMBER_LOGIN,
        header: { alg: 'RS256' },
      });
      return { path: '/identity', headers: [bearer(token)] };
    },
  },
  {
    name: 'answers 401 invalid_token to an expired identity-pool token',
    code: 'EXPIRED',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => {
      const now = Math.floor(ctx.clock.now() / 1000);
      const token = await ctx.identityPool.mintOpenIdToken({
        login: MEMBER_LOGIN,
        claims: { iat: now - 1200, exp: now - 600 },
      });
      return { path: '/identity', headers: [bearer(token)] };
    },
  },

  // Optional identity.
  {
    name: 'lets a request without a token through an optional identity route with no identity',
    code: null,
    http: { status: 200, sub: null },
    request: async () => ({ path: '/identity/optional' }),
  },
  {
    name: 'still rejects a guest on an optional identity route where guests are not allowed',
    code: 'TOKEN_USE',
    http: { status: 401, error: 'invalid_token' },
    request: async (ctx) => ({ path: '/identity/optional', headers: [bearer(await guest(ctx))] }),
  },

  // Identity policies (requireIdentity).
  {
    name: 'allows a signed-in identity where sign-in is required',
    code: null,
    http: { status: 200, sub: MEMBER_IDENTITY },
    request: async (ctx) => ({ path: '/identity/members', headers: [bearer(await member(ctx))] }),
  },
  {
    name: 'answers 403 to a guest where sign-in is required',
    code: 'CLAIM_CHECK',
    allowGuests: true,
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({ path: '/identity/members', headers: [bearer(await guest(ctx))] }),
  },
  {
    name: 'allows an identity of the required identity pool',
    code: null,
    http: { status: 200, sub: MEMBER_IDENTITY },
    request: async (ctx) => ({ path: '/identity/pool', headers: [bearer(await member(ctx))] }),
  },
  {
    name: 'answers 403 to an identity of another trusted identity pool where one pool is required',
    code: 'CLAIM_CHECK',
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({
      path: '/identity/pool',
      headers: [bearer(await member(ctx, SECOND_IDENTITY_POOL_ID))],
    }),
  },
  {
    name: 'allows a login through the required provider',
    code: null,
    http: { status: 200, sub: GOOGLE_IDENTITY_ID },
    request: async (ctx) => ({ path: '/identity/google', headers: [bearer(await google(ctx))] }),
  },
  {
    name: 'answers 403 to a login through another provider where one provider is required',
    code: 'CLAIM_CHECK',
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({ path: '/identity/google', headers: [bearer(await member(ctx))] }),
  },
  {
    name: 'answers 403 to a guest where a login provider is required',
    code: 'CLAIM_CHECK',
    allowGuests: true,
    http: { status: 403, error: 'insufficient_scope' },
    request: async (ctx) => ({ path: '/identity/google', headers: [bearer(await guest(ctx))] }),
  },
];

/**
 * What each surface answers, by the class of the code (SECURITY.md, "What each surface
 * answers"). The HTTP row is checked in detail against each case's `http`; the others
 * are for the Lambda and AppSync drivers. Sources for the API Gateway rows: that table, and
 * the AWS pages it links, which the Lambda adapter's README discusses.
 */
export const OUTCOMES: Readonly<
  Record<Surface, Readonly<Record<ErrorKind | 'allowed', OutcomeKind>>>
> = {
  http: {
    allowed: 'allow',
    credentials: 'unauthorized',
    request: 'bad-request',
    token: 'unauthorized',
    forbidden: 'deny',
    unavailable: 'unavailable',
  },
  // Every credential problem is a thrown `Unauthorized` (401); a refusal is a Deny policy (403);
  // a key outage is an error (500), so API Gateway caches nothing.
  'rest-authorizer': {
    allowed: 'allow',
    credentials: 'unauthorized',
    request: 'unauthorized',
    token: 'unauthorized',
    forbidden: 'deny',
    unavailable: 'unavailable',
  },
  'http-api-simple': {
    allowed: 'allow',
    credentials: 'unauthorized',
    request: 'unauthorized',
    token: 'unauthorized',
    forbidden: 'deny',
    unavailable: 'unavailable',
  },
  // isAuthorized false for everything; a key outage also sets ttlOverride 0.
  'appsync-authorizer': {
    allowed: 'allow',
    credentials: 'unauthorized',
    request: 'unauthorized',
    token: 'unauthorized',
    forbidden: 'deny',
    unavailable: 'unavailable',
  },
};

/** The outcome a surface must report for a case's code. */
export function expectedOutcome(surface: Surface, code: ErrorCode | null): OutcomeKind {
  return OUTCOMES[surface][code === null ? 'allowed' : new AuthError(code).kind];
}
