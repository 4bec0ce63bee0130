import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

async function servedKids(issuer: TestIssuer): Promise<string[]> {
  const res = await httpGet(issuer.jwksUri);
  const body = JSON.parse(res.body.toString('utf8')) as { keys: { kid: string }[] };
  return body.keys.map((key) => key.kid);
}

describe('TestIssuer.rotateKeys', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('makes a new key current and keeps serving the previous one by default', async () => {
    const previous = issuer.currentKid;

    const next = await issuer.rotateKeys();

    expect(issuer.currentKid).toBe(next);
    expect(await servedKids(issuer)).toEqual([previous, next]);
    const token = await issuer.mintAccessToken();
    expect(decodeProtectedHeader(token).kid).toBe(next);
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks()))).resolves.toBeDefined();
  });

  it('drops the previous key when keepPrevious is false', async () => {
    const before = await servedKids(issuer);
    const previous = issuer.currentKid;

    const next = await issuer.rotateKeys({ keepPrevious: false });

    expect(await servedKids(issuer)).toEqual([...before.filter((kid) => kid !== previous), next]);
  });

  it('still signs with a rotated-out key, for "kid no longer served" tests', async () => {
    const old = issuer.currentKid;
    await issuer.rotateKeys({ keepPrevious: false });

    const token = await issuer.mintAccessToken({ kid: old });

    expect(decodeProtectedHeader(token).kid).toBe(old);
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks()))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });
});

describe('TestIssuer.removeKey', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('stops serving a key that can still sign', async () => {
    const removed = issuer.currentKid;
    const kept = await issuer.rotateKeys();

    issuer.removeKey(removed);

    expect(await servedKids(issuer)).toEqual([kept]);
    const token = await issuer.mintIdToken({ kid: removed });
    expect(decodeProtectedHeader(token).kid).toBe(removed);
  });

  it('ignores a key that is already removed', async () => {
    const kid = issuer.currentKid;
    issuer.removeKey(kid);
    issuer.removeKey(kid);

    expect(issuer.jwks().keys).toEqual([]);
    // The current key keeps signing: its tokens name a kid the JWKS no longer has.
    expect(decodeProtectedHeader(await issuer.mintAccessToken()).kid).toBe(kid);
  });

  it('refuses a kid the issuer never generated', () => {
    expect(() => issuer.removeKey('unknown')).toThrow(/kid/);
  });
});

describe('TestIssuer.setJwks', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('serves the given value instead of the generated set, until reset with undefined', async () => {
    const [key] = issuer.jwks().keys;
    const duplicate = { keys: [key, { ...key, n: 'AQAB' }] };

    issuer.setJwks(duplicate);
    const replaced = await httpGet(issuer.jwksUri);
    issuer.setJwks(undefined);
    const restored = await httpGet(issuer.jwksUri);

    expect(replaced.status).toBe(200);
    expect(replaced.headers['content-type']).toBe('application/json');
    expect(replaced.body.toString('utf8')).toBe(JSON.stringify(duplicate));
    expect(JSON.parse(restored.body.toString('utf8'))).toEqual(issuer.jwks());
  });

  it('serves what the value was when set, not what it became', async () => {
    const body: { keys: unknown[] } = { keys: [] };
    issuer.setJwks(body);
    body.keys.push({ kid: 'later' });

    const res = await httpGet(issuer.jwksUri);
    issuer.setJwks(undefined);

    expect(res.body.toString('utf8')).toBe('{"keys":[]}');
  });

  it('serves JSON values that are not key sets', async () => {
    issuer.setJwks('a string');
    const res = await httpGet(issuer.jwksUri);
    issuer.setJwks(undefined);

    expect(res.body.toString('utf8')).toBe('"a string"');
  });

  it('leaves jwks() on the generated set', () => {
    issuer.setJwks({ keys: [] });
    const keys = issuer.jwks().keys;
    issuer.setJwks(undefined);

    expect(keys.map((key) => key.kid)).toEqual([issuer.currentKid]);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => issuer.setJwks(() => 1)).toThrow(TypeError);
    expect(() => issuer.setJwks({ big: 1n })).toThrow(TypeError);
  });
});

describe('createTestIssuer with a weak modulusLength', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ modulusLength: 1024 });
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('serves a 1024-bit key', () => {
    const [jwk] = issuer.jwks().keys;
    expect(Buffer.from(jwk?.n ?? '', 'base64url')).toHaveLength(128);
  });

  it('mints tokens whose RS256 signature is valid, though jose refuses the key', async () => {
    const token = await issuer.mintAccessToken();
    const [header = '', payload = '', signature = ''] = token.split('.');
    const jwk = issuer.jwks().keys[0];

    const valid = nodeVerify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: { ...jwk }, format: 'jwk' }),
      Buffer.from(signature, 'base64url'),
    );

    expect(valid).toBe(true);
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks()))).rejects.toThrow(/2048/);
  });

  it('rotates to another weak key', async () => {
    await issuer.rotateKeys();
    const sizes = issuer.jwks().keys.map((key) => Buffer.from(key.n, 'base64url').length);
    expect(sizes).toEqual([128, 128]);
  });
});
