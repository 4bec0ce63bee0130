import type { TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('createTestIssuer: issuer forms', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ userPoolId: 'eu-west-1_Forms1' });
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('names each issuer form of its pool', () => {
    expect(issuer.issuerFor('original')).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Forms1',
    );
    expect(issuer.issuerFor('updated')).toBe(
      'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Forms1',
    );
    expect(issuer.issuerFor({ replicaRegion: 'eu-central-1' })).toBe(
      'https://cognito-idp.eu-central-1.amazonaws.com/eu-west-1_Forms1',
    );
    expect(issuer.issuer).toBe(issuer.issuerFor('original'));
  });

  it('mints access, ID and machine tokens naming the form asked for', async () => {
    const replica = { replicaRegion: 'eu-central-1' } as const;
    expect(payloadOf(await issuer.mintAccessToken({ issuerForm: 'updated' })).iss).toBe(
      issuer.issuerFor('updated'),
    );
    expect(payloadOf(await issuer.mintIdToken({ issuerForm: replica })).iss).toBe(
      issuer.issuerFor(replica),
    );
    expect(payloadOf(await issuer.mintClientCredentialsToken({ issuerForm: 'updated' })).iss).toBe(
      issuer.issuerFor('updated'),
    );
    expect(payloadOf(await issuer.mintAccessToken()).iss).toBe(issuer.issuer);
  });

  it('refuses a malformed replica Region or form with a TypeError', () => {
    expect(() => issuer.issuerFor({ replicaRegion: 'EU-CENTRAL-1' })).toThrow(TypeError);
    expect(() => issuer.issuerFor('global' as never)).toThrow(TypeError);
  });

  it('serves the same keys at a JWKS URI of its own for each form', async () => {
    const uris = [
      issuer.jwksUriFor(issuer.issuerFor('original')),
      issuer.jwksUriFor(issuer.issuerFor('updated')),
      issuer.jwksUriFor(issuer.issuerFor({ replicaRegion: 'us-west-2' })),
    ];
    expect(new Set(uris).size).toBe(3);
    expect(uris[1]).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/issuer-cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_Forms1\/\.well-known\/jwks\.json$/,
    );
    for (const uri of uris) {
      const res = await httpGet(uri);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString('utf8'))).toEqual(issuer.jwks());
    }
  });

  it('gives no JWKS URI for another pool or a non-Cognito issuer, and serves none', async () => {
    const other = 'https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1';
    expect(() => issuer.jwksUriFor(other)).toThrow(TypeError);
    expect(() => issuer.jwksUriFor('https://evil.test/eu-west-1_Forms1')).toThrow(TypeError);
    const base = new URL(issuer.jwksUri).origin;
    const res = await httpGet(`${base}/${other.slice('https://'.length)}/.well-known/jwks.json`);
    expect(res.status).toBe(404);
  });

  it('signs every token in the updated form when created with issuerForm "updated"', async () => {
    const updated = await createTestIssuer({ issuerForm: 'updated' });
    try {
      expect(updated.issuer).toBe(updated.issuerFor('updated'));
      expect(payloadOf(await updated.mintAccessToken()).iss).toBe(updated.issuer);
    } finally {
      await updated.close();
    }
  });
});
