import type { TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A fixed clock, so the time claims are exact; half a second in, to check the flooring.
const NOW_MS = 1_700_000_000_500;
const NOW = 1_700_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({ clock: () => NOW_MS });
});

afterAll(async () => {
  await issuer.close();
});

async function verify(token: string) {
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()), {
    issuer: issuer.issuer,
    algorithms: ['RS256'],
    currentDate: new Date(NOW_MS),
  });
  return { payload, protectedHeader };
}

describe('mintAccessToken', () => {
  it('mints a verifiable token with the header and claims of a Cognito access token', async () => {
    const token = await issuer.mintAccessToken();

    const { payload, protectedHeader } = await verify(token);

    expect(protectedHeader).toEqual({ kid: issuer.currentKid, alg: 'RS256' });
    expect(Object.keys(payload)).toEqual([
      'sub',
      'iss',
      'version',
      'client_id',
      'origin_jti',
      'event_id',
      'token_use',
      'scope',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'username',
    ]);
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      version: 2,
      client_id: issuer.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: NOW,
      exp: NOW + 3600,
      iat: NOW,
      username: 'test-user',
    });
    for (const claim of ['sub', 'origin_jti', 'event_id', 'jti']) {
      expect(payload[claim]).toMatch(UUID);
    }
  });

  it('adds cognito:groups after sub only when there are groups', async () => {
    const withGroups = decodeJwt(await issuer.mintAccessToken({ groups: ['admin', 'ops'] }));
    const withEmpty = decodeJwt(await issuer.mintAccessToken({ groups: [] }));

    expect(Object.keys(withGroups).slice(0, 2)).toEqual(['sub', 'cognito:groups']);
    expect(withGroups['cognito:groups']).toEqual(['admin', 'ops']);
    expect(withEmpty).not.toHaveProperty('cognito:groups');
  });

  it('joins scopes with single spaces', async () => {
    const payload = decodeJwt(await issuer.mintAccessToken({ scopes: ['openid', 'orders/read'] }));
    expect(payload['scope']).toBe('openid orders/read');
  });

  it('keeps sub stable per username and distinct between usernames', async () => {
    const alice1 = decodeJwt(await issuer.mintAccessToken({ username: 'alice' }));
    const alice2 = decodeJwt(await issuer.mintIdToken({ username: 'alice' }));
    const bob = decodeJwt(await issuer.mintAccessToken({ username: 'bob' }));

    expect(alice1.sub).toBe(alice2.sub);
    expect(bob.sub).not.toBe(alice1.sub);
    expect(alice1['username']).toBe('alice');
  });

  it('uses a new jti, origin_jti and event_id for every token', async () => {
    const a = decodeJwt(await issuer.mintAccessToken());
    const b = decodeJwt(await issuer.mintAccessToken());

    expect(a.jti).not.toBe(b.jti);
    expect(a['origin_jti']).not.toBe(b['origin_jti']);
    expect(a['event_id']).not.toBe(b['event_id']);
  });

  it('takes sub, clientId, issuedAt and expiresIn from the options', async () => {
    const payload = decodeJwt(
      await issuer.mintAccessToken({
        sub: 'fixed-sub',
        clientId: 'otherclient',
        issuedAt: 1_600_000_000,
        expiresIn: 300,
      }),
    );

    expect(payload).toMatchObject({
      sub: 'fixed-sub',
      client_id: 'otherclient',
      iat: 1_600_000_000,
      auth_time: 1_600_000_000,
      exp: 1_600_000_300,
    });
  });

  it('builds an expired token from a negative expiresIn', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -60 });
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('merges claims last, in place, and deletes the claims set to undefined', async () => {
    const payload = decodeJwt(
      await issuer.mintAccessToken({
        scopes: ['ignored'],
        claims: { scope: 'from-claims', exp: undefined, token_use: undefined, extra: [1, '2'] },
      }),
    );

    expect(payload['scope']).toBe('from-claims');
    expect(payload).not.toHaveProperty('exp');
    expect(payload).not.toHaveProperty('token_use');
    expect(payload['extra']).toEqual([1, '2']);
    // `scope` keeps its place; only the deleted `token_use` is gone from before it.
    const names = Object.keys(payload);
    expect(names.indexOf('scope')).toBe(names.indexOf('event_id') + 1);
  });

  it('merges header members and deletes those set to undefined', async () => {
    const token = await issuer.mintAccessToken({ header: { typ: 'JWT', kid: undefined } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT' });
  });

  it('signs with a named key, even after rotation', async () => {
    const first = issuer.currentKid;
    const second = await issuer.rotateKeys();

    const token = await issuer.mintAccessToken({ kid: first });

    expect(second).not.toBe(first);
    expect(decodeProtectedHeader(token).kid).toBe(first);
    await expect(verify(token)).resolves.toBeDefined();
  });

  it('refuses a kid the issuer never generated', async () => {
    await expect(issuer.mintAccessToken({ kid: 'unknown' })).rejects.toThrow(/kid/);
  });
});

describe('mintIdToken', () => {
  it('mints a verifiable token with the claims of a Cognito ID token', async () => {
    const token = await issuer.mintIdToken({ username: 'carol', groups: ['admin'] });

    const { payload } = await verify(token);

    expect(Object.keys(payload)).toEqual([
      'sub',
      'cognito:groups',
      'email_verified',
      'iss',
      'cognito:username',
      'origin_jti',
      'aud',
      'event_id',
      'token_use',
      'auth_time',
      'exp',
      'iat',
      'jti',
      'email',
    ]);
    expect(payload).toMatchObject({
      'cognito:groups': ['admin'],
      email_verified: true,
      iss: issuer.issuer,
      'cognito:username': 'carol',
      aud: issuer.clientId,
      token_use: 'id',
      auth_time: NOW,
      exp: NOW + 3600,
      iat: NOW,
      email: 'carol@example.com',
    });
    expect(typeof payload.aud).toBe('string');
  });

  it('uses the username as email when it is an address', async () => {
    const payload = decodeJwt(await issuer.mintIdToken({ username: 'dave@example.org' }));
    expect(payload['email']).toBe('dave@example.org');
  });

  it('adds attributes after email and lets claims override them', async () => {
    const payload = decodeJwt(
      await issuer.mintIdToken({
        email: 'erin@example.net',
        attributes: { 'custom:tenant': 'acme', name: 'Erin' },
        claims: { name: 'Overridden', email_verified: undefined },
      }),
    );

    expect(payload['email']).toBe('erin@example.net');
    expect(payload['custom:tenant']).toBe('acme');
    expect(payload['name']).toBe('Overridden');
    expect(payload).not.toHaveProperty('email_verified');
    expect(Object.keys(payload).slice(-3)).toEqual(['email', 'custom:tenant', 'name']);
  });

  it('puts the clientId option in aud', async () => {
    const payload = decodeJwt(await issuer.mintIdToken({ clientId: 'anotherclient' }));
    expect(payload.aud).toBe('anotherclient');
  });
});

describe('mintClientCredentialsToken', () => {
  it('mints a verifiable token with the claims of a client credentials access token', async () => {
    const token = await issuer.mintClientCredentialsToken({
      scopes: ['orders/read', 'orders/write'],
    });

    const { payload, protectedHeader } = await verify(token);

    expect(protectedHeader).toEqual({ kid: issuer.currentKid, alg: 'RS256' });
    expect(Object.keys(payload)).toEqual([
      'sub',
      'token_use',
      'scope',
      'auth_time',
      'iss',
      'exp',
      'iat',
      'version',
      'jti',
      'client_id',
    ]);
    expect(payload).toMatchObject({
      sub: issuer.clientId,
      token_use: 'access',
      scope: 'orders/read orders/write',
      auth_time: NOW,
      iss: issuer.issuer,
      exp: NOW + 3600,
      iat: NOW,
      version: 2,
      client_id: issuer.clientId,
    });
    expect(payload.jti).toMatch(UUID);
  });

  it('has a custom scope by default and uses the clientId option as subject', async () => {
    const payload = decodeJwt(await issuer.mintClientCredentialsToken({ clientId: 'm2mclient' }));

    expect(payload['scope']).toBe('test-api/read');
    expect(payload.sub).toBe('m2mclient');
    expect(payload['client_id']).toBe('m2mclient');
  });
});
