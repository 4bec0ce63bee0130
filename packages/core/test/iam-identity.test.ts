import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuthError, iamCallerFromEvent, iamCallerReader } from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';

/** The AWS sample events (never edited; tests build modified copies). */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/aws-events/', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: test copies of JSON samples, edited by path
type Json = any;
function sample(name: string): Json {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));
}

const POOL = 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce';
const IDENTITY = 'us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce';
const USER_POOL = 'us-east-1_Example';
const SUB = '8f0e2c4a-1b2c-4d5e-8f90-123456789abc';
const PROVIDER = `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`;
const SIGN_IN = `${PROVIDER},${PROVIDER}:CognitoSignIn:${SUB}`;
const read = iamCallerReader({ identityPoolId: POOL, userPoolIds: [USER_POOL] });

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err.code;
    throw err;
  }
  return undefined;
}

describe('iamCallerFromEvent (HTTP API 2.0)', () => {
  it('refuses the sample as is: its amr ["foo"] names no authentication type', () => {
    expect(code(() => read(sample('apigw-http-v2-proxy-iam-authorizer.json')))).toBe('CLAIM_TYPE');
  });

  it('reads a user-pool login from amr', () => {
    const event = sample('apigw-http-v2-proxy-iam-authorizer.json');
    event.requestContext.authorizer.iam.cognitoIdentity.amr = [
      'authenticated',
      PROVIDER,
      `${PROVIDER}:CognitoSignIn:${SUB}`,
    ];
    expect(read(event)).toEqual({
      kind: 'cognito-identity',
      source: 'iam',
      identityId: IDENTITY,
      identityPoolId: POOL,
      guest: false,
      providers: [PROVIDER],
      userPool: { userPoolId: USER_POOL, sub: SUB },
      claims: undefined,
      expiresAt: undefined,
      userArn: 'arn:aws:iam::1234567890:user/Admin',
    });
  });

  it('marks a guest', () => {
    const event = sample('apigw-http-v2-proxy-iam-authorizer.json');
    event.requestContext.authorizer.iam.cognitoIdentity.amr = ['unauthenticated'];
    const caller = read(event);
    expect(caller.kind === 'cognito-identity' && caller.guest).toBe(true);
  });

  it('reports a social login by provider, without a user pool', () => {
    const event = sample('apigw-http-v2-proxy-iam-authorizer.json');
    event.requestContext.authorizer.iam.cognitoIdentity.amr = [
      'authenticated',
      'accounts.google.com',
      'accounts.google.com:1234567890',
    ];
    expect(read(event)).toMatchObject({ providers: ['accounts.google.com'], userPool: undefined });
  });

  it('reports a plain IAM user as such when cognitoIdentity is null', () => {
    const event = sample('apigw-http-v2-proxy-iam-authorizer.json');
    event.requestContext.authorizer.iam.cognitoIdentity = null;
    expect(read(event)).toEqual({
      kind: 'iam',
      userArn: 'arn:aws:iam::1234567890:user/Admin',
      accountId: '1234567890',
      principalId: 'AROA2ZJZYVRE7Y3TUXHH6',
    });
  });
});

describe('iamCallerFromEvent (REST 1.0)', () => {
  it('refuses the sample as is: "theCognitoAuthenticationType" is no authentication type', () => {
    expect(code(() => read(sample('apigw-rest-proxy-iam-identity.json')))).toBe('CLAIM_TYPE');
  });

  it('reads a user-pool login from cognitoAuthenticationProvider', () => {
    const event = sample('apigw-rest-proxy-iam-identity.json');
    Object.assign(event.requestContext.identity, {
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'authenticated',
      cognitoAuthenticationProvider: SIGN_IN,
    });
    expect(read(event)).toMatchObject({
      kind: 'cognito-identity',
      guest: false,
      providers: [PROVIDER],
      userPool: { userPoolId: USER_POOL, sub: SUB },
      userArn: 'theUserArn',
    });
  });

  it('marks a guest (no provider)', () => {
    const event = sample('apigw-rest-proxy-iam-identity.json');
    Object.assign(event.requestContext.identity, {
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoAuthenticationType: 'unauthenticated',
      cognitoAuthenticationProvider: null,
    });
    expect(read(event)).toMatchObject({ guest: true, providers: [], userPool: undefined });
  });

  it('reports a plain IAM caller when the Cognito fields are null', () => {
    const event = sample('apigw-rest-proxy-iam-identity.json');
    Object.assign(event.requestContext.identity, {
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
    });
    expect(read(event)).toEqual({
      kind: 'iam',
      userArn: 'theUserArn',
      accountId: 'theAccountId',
      principalId: 'theCaller',
    });
  });

  it('refuses an event without any IAM identity: NO_CREDENTIALS', () => {
    // The captured REQUEST authorizer sample: every identity field is null.
    expect(code(() => read(sample('apigw-rest-request-authorizer.json')))).toBe('NO_CREDENTIALS');
  });
});

describe('iamCallerFromEvent (AppSync AWS_IAM)', () => {
  it('refuses the sample identity of an unconfigured identity pool: CLIENT_ID', () => {
    expect(code(() => read(sample('appsync-identity-iam.json')))).toBe('CLIENT_ID');
  });

  it('reads a resolver event identity with a user-pool login', () => {
    const identity = {
      ...sample('appsync-identity-iam.json'),
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: IDENTITY,
      cognitoIdentityAuthProvider: `"${SIGN_IN}"`,
    };
    expect(iamCallerFromEvent({ identity }, { identityPoolId: POOL })).toMatchObject({
      kind: 'cognito-identity',
      guest: false,
      userPool: { userPoolId: USER_POOL, sub: SUB },
      userArn: 'arn:aws:iam::123456789012:user/appsync',
    });
  });

  it('reports the docs IAM identity (no Cognito fields) as a plain IAM user', () => {
    const event = sample('appsync-direct-resolver-iam-identity.json');
    expect(read(event)).toMatchObject({ kind: 'iam' });
  });
});
