import {
  createIdentityPoolVerifier,
  createVerifier,
  type IamCaller,
  iamCallerFromEvent,
} from '@cognito-guard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appSyncIamResolverEvent,
  createTestIdentityPool,
  createTestIssuer,
  httpApiIamEvent,
  restIamEvent,
  type TestIamCaller,
  type TestIdentityLogin,
  type TestIdentityPool,
  type TestIssuer,
} from '../src/index.js';

let pool: TestIdentityPool;
let issuer: TestIssuer;

beforeAll(async () => {
  pool = await createTestIdentityPool({ https: true });
  issuer = await createTestIssuer({ https: true });
});

afterAll(async () => {
  await pool?.close();
  await issuer?.close();
});

const USER: TestIdentityLogin = {
  kind: 'user-pool',
  userPoolId: 'us-east-1_TestPool1',
  sub: 'u-1',
};
const GOOGLE: TestIdentityLogin = { kind: 'social', provider: 'accounts.google.com', userId: '42' };
const GUEST: TestIdentityLogin = { kind: 'guest' };

describe('createTestIdentityPool', () => {
  it('mints RS512 OpenID tokens that the identity-pool verifier accepts from its JWKS', async () => {
    const verifier = createIdentityPoolVerifier({
      identityPoolId: pool.identityPoolId,
      allowGuests: true,
      jwksUri: pool.jwksUri,
      jwks: { ca: pool.ca },
    });
    const user = await verifier.verify(await pool.mintOpenIdToken({ login: USER }));
    expect(user).toMatchObject({
      guest: false,
      identityId: pool.identityIdFor(USER),
      userPool: { userPoolId: 'us-east-1_TestPool1', sub: 'u-1' },
    });
    const guest = await verifier.verify(await pool.mintOpenIdToken());
    expect(guest.guest).toBe(true);
    const social = await verifier.verify(await pool.mintOpenIdToken({ login: GOOGLE }));
    expect(social.providers).toEqual(['accounts.google.com']);
  });

  it('signs the header it is given, so an RS256 header is refused', async () => {
    const verifier = createIdentityPoolVerifier({
      identityPoolId: pool.identityPoolId,
      allowGuests: true,
      jwksUri: pool.jwksUri,
      jwks: { ca: pool.ca },
    });
    const token = await pool.mintOpenIdToken({ header: { alg: 'RS256' } });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ALG_NOT_ALLOWED' });
  });
});

describe('IAM-authorized event builders', () => {
  const callers: [string, TestIamCaller, (c: IamCaller) => void][] = [
    [
      'a user-pool login',
      { kind: 'identity', identityPoolId: '', identityId: 'us-east-1:id-user', login: USER },
      (c) => expect(c).toMatchObject({ guest: false, userPool: { sub: 'u-1' } }),
    ],
    [
      'a social login',
      { kind: 'identity', identityPoolId: '', identityId: 'us-east-1:id-social', login: GOOGLE },
      (c) => expect(c).toMatchObject({ guest: false, providers: ['accounts.google.com'] }),
    ],
    [
      'a guest',
      { kind: 'identity', identityPoolId: '', identityId: 'us-east-1:id-guest', login: GUEST },
      (c) => expect(c).toMatchObject({ guest: true, providers: [] }),
    ],
    [
      'a plain IAM user',
      { kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' },
      (c) =>
        expect(c).toMatchObject({ kind: 'iam', userArn: 'arn:aws:iam::123456789012:user/ops' }),
    ],
  ];
  for (const [name, template, check] of callers) {
    it(`builds REST, HTTP API and AppSync events for ${name} that read back the same`, () => {
      const caller =
        template.kind === 'identity'
          ? { ...template, identityPoolId: pool.identityPoolId }
          : template;
      const options = { identityPoolId: pool.identityPoolId };
      for (const event of [
        restIamEvent(caller),
        httpApiIamEvent(caller),
        appSyncIamResolverEvent(caller, { fieldName: 'feed' }),
      ]) {
        check(iamCallerFromEvent(event, options));
      }
    });
  }
});

describe('federated and role-bearing ID tokens', () => {
  it('mints identities, the provider group and roles as Cognito writes them', async () => {
    const verifier = createVerifier({
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      tokenUse: 'id',
      jwksUri: issuer.jwksUri,
      jwks: { ca: issuer.ca },
    });
    const auth = await verifier.verify(
      await issuer.mintIdToken({
        federation: { providerName: 'Google', userId: '1098' },
        roles: ['arn:aws:iam::123456789012:role/editors'],
        preferredRole: 'arn:aws:iam::123456789012:role/editors',
      }),
    );
    expect(auth.username).toBe('Google_1098');
    expect(auth.groups).toEqual([`${issuer.userPoolId}_Google`]);
    expect(auth.federation).toMatchObject([
      { providerName: 'Google', providerType: 'Google', userId: '1098', primary: true },
    ]);
    expect(auth.roles.preferred).toBe('arn:aws:iam::123456789012:role/editors');
  });
});
