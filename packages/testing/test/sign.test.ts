import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import type { CognitoJwk, TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});

afterAll(async () => {
  await issuer.close();
});

function segments(token: string): { header: string; payload: string; signature: string } {
  const [header = '', payload = '', signature = '', ...rest] = token.split('.');
  expect(rest).toEqual([]);
  return { header, payload, signature };
}

function decodeSegment(segment: string): string {
  return Buffer.from(segment, 'base64url').toString('utf8');
}

/** Checks an RS256 signature with node:crypto, whatever the header claims. */
function hasRs256Signature(token: string, jwk: CognitoJwk): boolean {
  const { header, payload, signature } = segments(token);
  const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  return nodeVerify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    key,
    Buffer.from(signature, 'base64url'),
  );
}

function currentJwk(): CognitoJwk {
  const jwk = issuer.jwks().keys.find((key) => key.kid === issuer.currentKid);
  if (!jwk) throw new Error('the current key is not served');
  return jwk;
}

describe('TestIssuer.sign', () => {
  it('signs any JSON payload with the current key', async () => {
    const payload = { sub: 42, exp: '1700000000', aud: ['a', 'b'], nested: { deep: null } };

    const token = await issuer.sign(payload);

    const result = await compactVerify(token, createLocalJWKSet(issuer.jwks()));
    expect(JSON.parse(Buffer.from(result.payload).toString('utf8'))).toEqual(payload);
    expect(result.protectedHeader).toEqual({ kid: issuer.currentKid, alg: 'RS256' });
  });

  it('serialises a payload that is not an object', async () => {
    const token = await issuer.sign(['not', 'an', 'object']);
    expect(decodeSegment(segments(token).payload)).toBe('["not","an","object"]');
  });

  it('uses Uint8Array payload bytes as they are', async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x00]);

    const token = await issuer.sign(bytes);

    expect(Buffer.from(segments(token).payload, 'base64url')).toEqual(Buffer.from(bytes));
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });

  it('refuses a payload JSON cannot represent', async () => {
    await expect(issuer.sign(undefined)).rejects.toThrow(TypeError);
  });

  it('keeps an own __proto__ member of the payload (prototype pollution tests)', async () => {
    const payload = JSON.parse('{"sub":"x","__proto__":{"isAdmin":true}}');

    const token = await issuer.sign(payload);

    expect(decodeSegment(segments(token).payload)).toBe('{"sub":"x","__proto__":{"isAdmin":true}}');
  });

  it('keeps an own __proto__ member of the header overrides', async () => {
    const header = JSON.parse('{"__proto__":{"alg":"none"}}');

    const token = await issuer.sign({}, { header });

    expect(decodeSegment(segments(token).header)).toBe(
      `{"kid":"${issuer.currentKid}","alg":"RS256","__proto__":{"alg":"none"}}`,
    );
  });

  it('signs RS256 under a header that says alg none (alg none attack)', async () => {
    const token = await issuer.sign({ sub: 'x' }, { header: { alg: 'none' } });

    expect(decodeProtectedHeader(token).alg).toBe('none');
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });

  it('signs RS256 under a header that says HS256 (RS/HS confusion)', async () => {
    const token = await issuer.sign({ sub: 'x' }, { header: { alg: 'HS256' } });

    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });

  it('leaves out header members set to undefined, including alg', async () => {
    const token = await issuer.sign({ sub: 'x' }, { header: { alg: undefined, kid: undefined } });

    expect(decodeSegment(segments(token).header)).toBe('{}');
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });

  it('signs headers jose would refuse or re-encode (crit, b64)', async () => {
    const token = await issuer.sign(
      { sub: 'x' },
      { header: { crit: ['exp'], b64: false, kid: 'not-a-served-kid' } },
    );

    expect(decodeProtectedHeader(token)).toEqual({
      kid: 'not-a-served-kid',
      alg: 'RS256',
      crit: ['exp'],
      b64: false,
    });
    // The payload stays base64url-encoded JSON: the header lies, the bytes do not change.
    expect(decodeSegment(segments(token).payload)).toBe('{"sub":"x"}');
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });

  it('signs a plain header in a way node:crypto also accepts', async () => {
    // A plain RS256 header goes through jose, the others through node:crypto: both must give
    // the same kind of signature.
    const token = await issuer.sign({ sub: 'same' });
    expect(hasRs256Signature(token, currentJwk())).toBe(true);
  });
});
