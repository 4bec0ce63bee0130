/**
 * Identity pools: the identity-pool OpenID token verifier and IAM-authorized callers.
 *
 * Identity-pool OpenID tokens (GetOpenIdToken) are signed RS512 by
 * https://cognito-identity.amazonaws.com, `aud` the identity pool, `amr` the login
 * (https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html).
 * Each attack below is refused with its exact code. Keys are the test's own, served through
 * the verifier's JWKS fetcher, so every token goes through the full pipeline.
 */
import {
  createIdentityPoolVerifier,
  createJwksCache,
  createVerifier,
  IDENTITY_POOL_ARN_CLAIM,
  IDENTITY_POOL_ISSUER,
  iamCallerFromEvent,
  type JwksFetcher,
} from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';
import { createForgeKey, type ForgeKey, rejectionCode, thrownCode } from './helpers.js';

const NOW = 1_793_491_200; // 2026-11-01T00:00:00Z
const clock = () => NOW * 1000;
const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const OTHER_POOL = 'us-east-1:1f291106-8703-466b-8f2b-3ecee1ca56ce';
const IDENTITY = 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce';
const USER_POOL = 'us-east-1_Example';
const USER_POOL_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`;
const SUB = '8f0e2c4a-1b2c-4d5e-8f90-123456789abc';
const JWKS_URI = 'https://cognito-identity.amazonaws.com/.well-known/jwks_uri';
const USER_POOL_JWKS = `${USER_POOL_ISSUER}/.well-known/jwks.json`;

const identityKey: ForgeKey = createForgeKey({ kid: 'us-east-11' });
const userPoolKey: ForgeKey = createForgeKey({ kid: 'user-pool-key' });

/** Serves the identity key as RS512 (as Cognito does) and the user-pool key as RS256. */
const fetcher: JwksFetcher = async (uri) => {
  const keys =
    uri === JWKS_URI
      ? [{ ...identityKey.jwk, alg: 'RS512' }]
      : uri === USER_POOL_JWKS
        ? [userPoolKey.jwk]
        : [];
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ keys })),
  };
};

function identityVerifier(allowGuests = false, userPoolIds?: string[]) {
  return createIdentityPoolVerifier({
    identityPoolId: POOL,
    allowGuests,
    clock,
    jwks: { fetcher },
    ...(userPoolIds === undefined ? {} : { userPoolIds }),
  });
}

function identityClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: IDENTITY,
    aud: POOL,
    amr: [
      'authenticated',
      `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`,
      `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}:CognitoSignIn:${SUB}`,
    ],
    iss: IDENTITY_POOL_ISSUER,
    [IDENTITY_POOL_ARN_CLAIM]: `arn:aws:cognito-identity:us-east-1:123456789012:identitypool/${POOL}`,
    exp: NOW + 600,
    iat: NOW,
    ...overrides,
  };
}

const RS512_HEADER = { kid: 'us-east-11', typ: 'JWS', alg: 'RS512' };

function identityToken(overrides: Record<string, unknown> = {}): string {
  return identityKey.sign(RS512_HEADER, identityClaims(overrides), 'RS512');
}

describe('identity-pool OpenID tokens', () => {
  it('accepts an RS512 token of the configured pool and reports the user-pool login', async () => {
    const identity = await identityVerifier().verify(identityToken());
    expect(identity).toMatchObject({
      kind: 'cognito-identity',
      source: 'openid-token',
      identityId: IDENTITY,
      identityPoolId: POOL,
      guest: false,
      providers: [`cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`],
      userPool: { userPoolId: USER_POOL, sub: SUB },
      expiresAt: NOW + 600,
    });
    expect(Object.isFrozen(identity.claims)).toBe(true);
  });

  it('accepts a guest when guests are allowed, and marks it', async () => {
    const identity = await identityVerifier(true).verify(
      identityToken({ amr: ['unauthenticated'] }),
    );
    expect(identity.guest).toBe(true);
    expect(identity.providers).toEqual([]);
    expect(identity.userPool).toBeUndefined();
  });

  it('an identity token signed RS256 with the identity key: ALG_NOT_ALLOWED', async () => {
    const token = identityKey.sign({ ...RS512_HEADER, alg: 'RS256' }, identityClaims(), 'RS256');
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('ALG_NOT_ALLOWED');
  });

  it('an identity token signed PS512 (header says PS512): ALG_NOT_ALLOWED', async () => {
    const token = identityKey.sign({ ...RS512_HEADER, alg: 'PS512' }, identityClaims(), 'PS256');
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('ALG_NOT_ALLOWED');
  });

  it('an RS512 header over an RS256 signature: SIGNATURE_INVALID', async () => {
    const token = identityKey.sign(RS512_HEADER, identityClaims(), 'RS256');
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('SIGNATURE_INVALID');
  });

  it('aud of another identity pool: CLIENT_ID', async () => {
    const token = identityToken({ aud: OTHER_POOL });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('CLIENT_ID');
  });

  it('aud as a list naming the pool: CLAIM_TYPE', async () => {
    const token = identityToken({ aud: [POOL] });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('a guest token where guests are not allowed: TOKEN_USE', async () => {
    const token = identityToken({ amr: ['unauthenticated'] });
    expect(await rejectionCode(identityVerifier(false).verify(token))).toBe('TOKEN_USE');
  });

  it('amr as a string: CLAIM_TYPE', async () => {
    const token = identityToken({ amr: 'authenticated' });
    expect(await rejectionCode(identityVerifier(true).verify(token))).toBe('CLAIM_TYPE');
  });

  it('amr claiming both authenticated and unauthenticated: CLAIM_TYPE', async () => {
    const token = identityToken({ amr: ['unauthenticated', 'authenticated'] });
    expect(await rejectionCode(identityVerifier(true).verify(token))).toBe('CLAIM_TYPE');
  });

  it('an amr whose user-pool entries name two pools: CLAIM_TYPE', async () => {
    const token = identityToken({
      amr: [
        'authenticated',
        `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`,
        `cognito-idp.us-east-1.amazonaws.com/us-east-1_Attacker:CognitoSignIn:${SUB}`,
      ],
    });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('CLAIM_TYPE');
  });

  it('a login through a user pool outside userPoolIds: ISSUER', async () => {
    const verifier = identityVerifier(false, ['us-east-1_Other']);
    expect(await rejectionCode(verifier.verify(identityToken()))).toBe('ISSUER');
  });

  it('a user-pool token presented to the identity-pool verifier: ALG_NOT_ALLOWED', async () => {
    const token = userPoolKey.sign(
      { kid: 'user-pool-key', alg: 'RS256' },
      {
        sub: SUB,
        iss: USER_POOL_ISSUER,
        token_use: 'id',
        aud: POOL,
        exp: NOW + 600,
        iat: NOW,
      },
    );
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('ALG_NOT_ALLOWED');
  });

  it('a user-pool issuer signed RS512 with the identity key: ISSUER', async () => {
    const token = identityToken({ iss: USER_POOL_ISSUER, note: IDENTITY_POOL_ISSUER });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('ISSUER');
  });

  it('an identity-pool token presented to a user-pool verifier: ALG_NOT_ALLOWED', async () => {
    const verifier = createVerifier({
      userPoolId: USER_POOL,
      clientId: null,
      tokenUse: null,
      clock,
      jwks: createJwksCache({ fetcher, clock }),
    });
    expect(await rejectionCode(verifier.verify(identityToken()))).toBe('ALG_NOT_ALLOWED');
  });

  it('an RS256-declared key in the identity JWKS used for RS512: KEY_REJECTED', async () => {
    const rs256Fetcher: JwksFetcher = async () => ({
      status: 200,
      headers: {},
      body: Buffer.from(JSON.stringify({ keys: [identityKey.jwk] })),
    });
    const verifier = createIdentityPoolVerifier({
      identityPoolId: POOL,
      allowGuests: false,
      clock,
      jwks: { fetcher: rs256Fetcher },
    });
    expect(await rejectionCode(verifier.verify(identityToken()))).toBe('KEY_REJECTED');
  });

  it('an expired identity token: EXPIRED', async () => {
    const token = identityToken({ iat: NOW - 1200, exp: NOW - 600 });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('EXPIRED');
  });

  it('an identity token living longer than 24 hours (the developer-identity maximum): LIFETIME', async () => {
    const token = identityToken({ exp: NOW + 86_400 + 3600 });
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('LIFETIME');
  });

  it('a forged signature over a valid identity payload: SIGNATURE_INVALID', async () => {
    const other = createForgeKey({ kid: 'us-east-11' });
    const token = other.sign(RS512_HEADER, identityClaims(), 'RS512');
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('SIGNATURE_INVALID');
  });

  it('a header carrying jku: HEADER_NOT_ALLOWED', async () => {
    const token = identityKey.sign(
      { ...RS512_HEADER, jku: 'https://attacker.example/jwks' },
      identityClaims(),
      'RS512',
    );
    expect(await rejectionCode(identityVerifier().verify(token))).toBe('HEADER_NOT_ALLOWED');
  });

  it('a payload that does not name the identity issuer never fetches keys: ISSUER', async () => {
    let fetches = 0;
    const counting: JwksFetcher = async (uri, init) => {
      fetches += 1;
      return fetcher(uri, init);
    };
    const verifier = createIdentityPoolVerifier({
      identityPoolId: POOL,
      allowGuests: false,
      clock,
      jwks: { fetcher: counting },
    });
    const token = identityKey.sign(
      { ...RS512_HEADER, kid: 'unknown-kid' },
      identityClaims({ iss: 'https://attacker.example' }),
      'RS512',
    );
    expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    expect(fetches).toBe(0);
  });

  it('reports verifications and refusals through onEvent, never the token', async () => {
    const events: unknown[] = [];
    const verifier = createIdentityPoolVerifier({
      identityPoolId: POOL,
      allowGuests: false,
      clock,
      jwks: { fetcher },
      onEvent: (event) => events.push(event),
    });
    const good = identityToken();
    await verifier.verify(good);
    await rejectionCode(verifier.verify(identityToken({ amr: ['unauthenticated'] })));
    expect(events.filter((e) => (e as { type: string }).type !== 'jwks-fetch')).toEqual([
      { type: 'identity-verified', identityPoolId: POOL, guest: false, cached: false },
      { type: 'identity-rejected', code: 'TOKEN_USE' },
    ]);
    expect(JSON.stringify(events)).not.toContain(good.split('.')[2]!.slice(0, 20));
  });

  it('refuses a shared JwksCache and a missing allowGuests at creation', () => {
    expect(() =>
      createIdentityPoolVerifier({
        identityPoolId: POOL,
        allowGuests: false,
        jwks: createJwksCache() as never,
      }),
    ).toThrow(TypeError);
    expect(() =>
      createIdentityPoolVerifier({ identityPoolId: POOL } as unknown as Parameters<
        typeof createIdentityPoolVerifier
      >[0]),
    ).toThrow(TypeError);
  });
});

describe('IAM-authorized callers (forged fields)', () => {
  const options = { identityPoolId: POOL, userPoolIds: [USER_POOL] };
  const restEvent = (identity: Record<string, unknown>) => ({
    requestContext: {
      identity: { userArn: 'arn:aws:sts::123456789012:assumed-role/x/y', ...identity },
    },
  });

  it('a cognitoAuthenticationProvider naming another pool in its sign-in part: CLAIM_TYPE', () => {
    const event = restEvent({
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'authenticated',
      cognitoAuthenticationProvider: `cognito-idp.us-east-1.amazonaws.com/${USER_POOL},cognito-idp.us-east-1.amazonaws.com/us-east-1_Attacker:CognitoSignIn:${SUB}`,
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLAIM_TYPE');
  });

  it('a cognitoAuthenticationProvider naming a pool outside userPoolIds: ISSUER', () => {
    const event = restEvent({
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'authenticated',
      cognitoAuthenticationProvider: `cognito-idp.us-east-1.amazonaws.com/us-east-1_Attacker,cognito-idp.us-east-1.amazonaws.com/us-east-1_Attacker:CognitoSignIn:${SUB}`,
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('ISSUER');
  });

  it('a user pool named in another Region than its id: CLAIM_TYPE', () => {
    const event = restEvent({
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'authenticated',
      cognitoAuthenticationProvider: `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL}:CognitoSignIn:${SUB}`,
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLAIM_TYPE');
  });

  it('an identity of another identity pool: CLIENT_ID', () => {
    const event = restEvent({
      cognitoIdentityPoolId: OTHER_POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'unauthenticated',
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLIENT_ID');
  });

  it('a guest that names a provider: CLAIM_TYPE', () => {
    const event = restEvent({
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'unauthenticated',
      cognitoAuthenticationProvider: `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}:CognitoSignIn:${SUB}`,
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLAIM_TYPE');
  });

  it('HTTP API amr as a string: CLAIM_TYPE', () => {
    const event = {
      requestContext: {
        authorizer: {
          iam: {
            userArn: 'arn:aws:sts::123456789012:assumed-role/x/y',
            cognitoIdentity: { amr: 'authenticated', identityId: IDENTITY, identityPoolId: POOL },
          },
        },
      },
    };
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLAIM_TYPE');
  });

  it('an identity pool id of the wrong type: CLAIM_TYPE', () => {
    const event = restEvent({
      cognitoIdentityPoolId: [POOL],
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'unauthenticated',
    });
    expect(thrownCode(() => iamCallerFromEvent(event, options))).toBe('CLAIM_TYPE');
  });
});
