import { generateKeyPair, type KeyObject, sign as nodeSign, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type JwksServer, startJwksServer } from './jwks-server.js';
import { createTestCertificates } from './tls.js';

/**
 * A local stand-in for Amazon Cognito identity pools: an RS512 key (the algorithm of the keys
 * Cognito publishes; no AWS page states it, see `IDENTITY_POOL_JWKS_URI` in core), its JWKS
 * served on 127.0.0.1 at `/.well-known/jwks_uri` (as https://cognito-identity.amazonaws.com
 * serves it; Cognito developer guide, "Identity pools authentication flow"),
 * identity-pool OpenID tokens as `GetOpenIdToken` returns them (`iss`
 * `https://cognito-identity.amazonaws.com`, `aud` the identity pool, `sub` the identity id,
 * `amr`, the identity-pool ARN claim, header `typ: JWS`, `alg: RS512`), and the events API
 * Gateway and AppSync hand to a backend for an IAM-authorized caller.
 */

/** Who logged in to the identity pool. */
export type TestIdentityLogin =
  /** An unauthenticated (guest) identity. */
  | { readonly kind: 'guest' }
  /** A user-pool user: `cognito-idp.<region>.amazonaws.com/<poolId>` and `:CognitoSignIn:<sub>`. */
  | { readonly kind: 'user-pool'; readonly userPoolId: string; readonly sub: string }
  /** A social or OIDC provider (`accounts.google.com`, `graph.facebook.com`...). */
  | { readonly kind: 'social'; readonly provider: string; readonly userId: string };

/** Options of {@link TestIdentityPool.mintOpenIdToken}. */
export interface OpenIdTokenOptions {
  /** Default: a guest. */
  readonly login?: TestIdentityLogin | undefined;
  /** Default: a random `<region>:<uuid>`, the same for the same login within one pool. */
  readonly identityId?: string | undefined;
  /** `aud`; default the pool's id. */
  readonly audience?: string | undefined;
  /**
   * Default 600: "The OpenID token is valid for 10 minutes" (GetOpenIdToken,
   * https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html).
   * Developer-identity tokens last 900 unless `TokenDuration` says otherwise, at most 86400
   * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdTokenForDeveloperIdentity.html).
   */
  readonly lifetimeSeconds?: number | undefined;
  /** Header members merged over `{ kid, typ: 'JWS', alg: 'RS512' }` (the signature stays RS512). */
  readonly header?: Readonly<Record<string, unknown>> | undefined;
  /** Claims merged over the generated ones. */
  readonly claims?: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link createTestIdentityPool}. */
export interface TestIdentityPoolOptions {
  /** Default `'us-east-1:00000000-0000-4000-8000-000000000001'`. */
  readonly identityPoolId?: string | undefined;
  /** Serve the JWKS over HTTPS with a throwaway CA (`ca`); default false. */
  readonly https?: boolean | undefined;
  /** Epoch milliseconds; default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/**
 * A test identity pool. Close it when done.
 *
 * @example
 * const pool = await createTestIdentityPool();
 * const token = await pool.mintOpenIdToken({ login: { kind: 'guest' } });
 * await pool.close();
 */
export interface TestIdentityPool {
  readonly identityPoolId: string;
  readonly region: string;
  /** `http(s)://127.0.0.1:<port>/.well-known/jwks_uri`: the verifier's `jwksUri`. */
  readonly jwksUri: string;
  /** PEM of the throwaway CA over HTTPS; undefined over HTTP. */
  readonly ca: string | undefined;
  readonly kid: string;
  /** The identity id this pool gives a login (stable per login). */
  identityIdFor(login: TestIdentityLogin): string;
  /** The `amr` Cognito writes for a login. */
  amrFor(login: TestIdentityLogin): string[];
  mintOpenIdToken(options?: OpenIdTokenOptions): Promise<string>;
  close(): Promise<void>;
}

const DEFAULT_POOL = 'us-east-1:00000000-0000-4000-8000-000000000001';
const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d):[0-9a-f-]{36}$/;
const generate = promisify(generateKeyPair);

/**
 * The `amr` of a login, as identity-pool tokens and HTTP API events carry it.
 *
 * @example
 * amrFor({ kind: 'guest' }); // ['unauthenticated']
 */
export function amrFor(login: TestIdentityLogin): string[] {
  if (login.kind === 'guest') return ['unauthenticated'];
  if (login.kind === 'user-pool') {
    const provider = userPoolProvider(login.userPoolId);
    return ['authenticated', provider, `${provider}:CognitoSignIn:${login.sub}`];
  }
  return ['authenticated', login.provider, `${login.provider}:${login.userId}`];
}

function userPoolProvider(userPoolId: string): string {
  const region = userPoolId.slice(0, userPoolId.indexOf('_'));
  return `cognito-idp.${region}.amazonaws.com/${userPoolId}`;
}

function encode(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * Starts a test identity pool: an RS512 key and its JWKS server on 127.0.0.1.
 *
 * @example
 * const pool = await createTestIdentityPool({ https: true });
 * const verifier = createIdentityPoolVerifier({ identityPoolId: pool.identityPoolId,
 *   allowGuests: true, jwksUri: pool.jwksUri, jwks: { ca: pool.ca } });
 */
export async function createTestIdentityPool(
  options: TestIdentityPoolOptions = {},
): Promise<TestIdentityPool> {
  const identityPoolId = options.identityPoolId ?? DEFAULT_POOL;
  const match = POOL_ID.exec(identityPoolId);
  if (match === null) {
    throw new TypeError('identityPoolId must look like "us-east-1:<uuid>"');
  }
  const region = match[1]!;
  const clock = options.clock ?? Date.now;
  const { publicKey, privateKey } = await generate('rsa', { modulusLength: 2048 });
  const { n, e } = (publicKey as KeyObject).export({ format: 'jwk' });
  // Cognito's identity kids look like `<region><n>` (e.g. `us-east-11`).
  const kid = `${region}1`;
  const jwk = { kty: 'RSA', alg: 'RS512', use: 'sig', kid, n, e };
  const certificates = options.https === true ? await createTestCertificates() : undefined;
  const server: JwksServer = await startJwksServer({
    path: '/.well-known/jwks_uri',
    tls: certificates,
    body: () => JSON.stringify({ keys: [jwk] }),
    misbehaviour: () => null,
  });
  const scheme = certificates ? 'https' : 'http';
  const ids = new Map<string, string>();
  const identityIdFor = (login: TestIdentityLogin): string => {
    const key = JSON.stringify(login);
    let id = ids.get(key);
    if (id === undefined) {
      id = `${region}:${randomUUID()}`;
      ids.set(key, id);
    }
    return id;
  };

  return {
    identityPoolId,
    region,
    jwksUri: `${scheme}://127.0.0.1:${server.port}/.well-known/jwks_uri`,
    ca: certificates?.ca,
    kid,
    identityIdFor,
    amrFor,
    async mintOpenIdToken(tokenOptions = {}) {
      const login = tokenOptions.login ?? { kind: 'guest' };
      const iat = Math.floor(clock() / 1000);
      const accountId = '123456789012';
      const payload = {
        sub: tokenOptions.identityId ?? identityIdFor(login),
        aud: tokenOptions.audience ?? identityPoolId,
        amr: amrFor(login),
        iss: 'https://cognito-identity.amazonaws.com',
        'https://cognito-identity.amazonaws.com/identity-pool-arn': `arn:aws:cognito-identity:${region}:${accountId}:identitypool/${identityPoolId}`,
        exp: iat + (tokenOptions.lifetimeSeconds ?? 600),
        iat,
        ...tokenOptions.claims,
      };
      const header = { kid, typ: 'JWS', alg: 'RS512', ...tokenOptions.header };
      const input = `${encode(JSON.stringify(header))}.${encode(JSON.stringify(payload))}`;
      const signature = nodeSign('sha512', Buffer.from(input), privateKey as KeyObject);
      return `${input}.${encode(signature)}`;
    },
    close: () => server.close(),
  };
}

/** An IAM-authorized caller, for the event builders below. */
export type TestIamCaller =
  | {
      readonly kind: 'identity';
      readonly identityPoolId: string;
      readonly identityId: string;
      readonly login: TestIdentityLogin;
    }
  | { readonly kind: 'iam-user'; readonly userArn: string };

const ACCOUNT = '123456789012';
const ROLE_ARN = (guest: boolean) =>
  `arn:aws:sts::${ACCOUNT}:assumed-role/Cognito_${guest ? 'Unauth' : 'Auth'}_Role/CognitoIdentityCredentials`;

function arnOf(caller: TestIamCaller): string {
  return caller.kind === 'iam-user' ? caller.userArn : ROLE_ARN(caller.login.kind === 'guest');
}

/** The REST/AppSync provider string: the `amr` entries after the authentication type. */
function providerString(login: TestIdentityLogin): string | null {
  return login.kind === 'guest' ? null : amrFor(login).slice(1).join(',');
}

/**
 * A REST API (payload 1.0) proxy event behind IAM authorization, with
 * `requestContext.identity` filled as API Gateway does for this caller.
 *
 * @example
 * const event = restIamEvent({ kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' });
 */
export function restIamEvent(
  caller: TestIamCaller,
  request: { readonly method?: string; readonly path?: string; readonly body?: string } = {},
): Record<string, unknown> {
  const identity = caller.kind === 'identity' ? caller : undefined;
  const method = request.method ?? 'GET';
  const path = request.path ?? '/feed';
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { Host: 'api-id.execute-api.us-east-1.amazonaws.com' },
    multiValueHeaders: { Host: ['api-id.execute-api.us-east-1.amazonaws.com'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'api-id',
      httpMethod: method,
      path: `/prod${path}`,
      stage: 'prod',
      requestId: randomUUID(),
      resourcePath: path,
      identity: {
        cognitoIdentityPoolId: identity?.identityPoolId ?? null,
        accountId: ACCOUNT,
        cognitoIdentityId: identity?.identityId ?? null,
        caller:
          caller.kind === 'iam-user'
            ? 'AIDAEXAMPLEUSERID0001'
            : 'AROAEXAMPLEROLEID0001:CognitoIdentityCredentials',
        sourceIp: '203.0.113.10',
        principalOrgId: null,
        accessKey: 'ASIAEXAMPLEACCESSKEY',
        cognitoAuthenticationType:
          identity === undefined
            ? null
            : identity.login.kind === 'guest'
              ? 'unauthenticated'
              : 'authenticated',
        cognitoAuthenticationProvider:
          identity === undefined ? null : providerString(identity.login),
        userArn: arnOf(caller),
        userAgent: 'aws-sdk-js/3',
        user:
          caller.kind === 'iam-user'
            ? 'AIDAEXAMPLEUSERID0001'
            : 'AROAEXAMPLEROLEID0001:CognitoIdentityCredentials',
      },
    },
    body: request.body ?? null,
    isBase64Encoded: false,
  };
}

/**
 * An HTTP API (payload 2.0) event behind IAM authorization, with
 * `requestContext.authorizer.iam` as API Gateway fills it for this caller.
 *
 * @example
 * const event = httpApiIamEvent({ kind: 'identity', identityPoolId, identityId, login: { kind: 'guest' } });
 */
export function httpApiIamEvent(
  caller: TestIamCaller,
  request: { readonly method?: string; readonly path?: string; readonly body?: string } = {},
): Record<string, unknown> {
  const method = request.method ?? 'GET';
  const path = request.path ?? '/feed';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api-id.execute-api.us-east-1.amazonaws.com' },
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'api-id',
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLEACCESSKEY',
          accountId: ACCOUNT,
          callerId:
            caller.kind === 'iam-user'
              ? 'AIDAEXAMPLEUSERID0001'
              : 'AROAEXAMPLEROLEID0001:CognitoIdentityCredentials',
          cognitoIdentity:
            caller.kind === 'identity'
              ? {
                  amr: amrFor(caller.login),
                  identityId: caller.identityId,
                  identityPoolId: caller.identityPoolId,
                }
              : null,
          principalOrgId: null,
          userArn: arnOf(caller),
          userId:
            caller.kind === 'iam-user'
              ? 'AIDAEXAMPLEUSERID0001'
              : 'AROAEXAMPLEROLEID0001:CognitoIdentityCredentials',
        },
      },
      domainName: 'api-id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'api-id',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'aws-sdk-js/3',
      },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '01/Nov/2026:00:00:00 +0000',
      timeEpoch: 1_793_491_200_000,
    },
    body: request.body,
    isBase64Encoded: false,
  };
}

/**
 * An AppSync resolver event for an `AWS_IAM` caller: `identity` as AppSync fills it
 * (`cognitoIdentityAuthType`, `cognitoIdentityAuthProvider`...).
 *
 * @example
 * const event = appSyncIamResolverEvent({ kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' }, { fieldName: 'feed' });
 */
export function appSyncIamResolverEvent<TArguments = Record<string, never>>(
  caller: TestIamCaller,
  field: {
    readonly fieldName: string;
    readonly parentTypeName?: string;
    readonly arguments?: TArguments;
  },
): Record<string, unknown> {
  const identity = caller.kind === 'identity' ? caller : undefined;
  return {
    arguments: field.arguments ?? {},
    identity: {
      accountId: ACCOUNT,
      cognitoIdentityPoolId: identity?.identityPoolId ?? null,
      cognitoIdentityId: identity?.identityId ?? null,
      cognitoIdentityAuthType:
        identity === undefined
          ? null
          : identity.login.kind === 'guest'
            ? 'unauthenticated'
            : 'authenticated',
      cognitoIdentityAuthProvider:
        identity === undefined || identity.login.kind === 'guest'
          ? null
          : providerString(identity.login),
      sourceIp: ['203.0.113.10'],
      username:
        caller.kind === 'iam-user'
          ? 'AIDAEXAMPLEUSERID0001'
          : 'AROAEXAMPLEROLEID0001:CognitoIdentityCredentials',
      userArn: arnOf(caller),
    },
    source: null,
    request: { headers: { host: 'example.appsync-api.us-east-1.amazonaws.com' }, domainName: null },
    prev: null,
    info: {
      fieldName: field.fieldName,
      parentTypeName: field.parentTypeName ?? 'Query',
      variables: {},
      selectionSetList: [],
      selectionSetGraphQL: '',
    },
    stash: {},
  };
}
