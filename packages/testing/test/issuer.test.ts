import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

describe('createTestIssuer', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('exposes Cognito identifiers and a loopback JWKS URI by default', () => {
    expect(issuer.userPoolId).toBe('us-east-1_TestPool1');
    expect(issuer.region).toBe('us-east-1');
    expect(issuer.clientId).toMatch(/^[a-z0-9]{26}$/);
    expect(issuer.issuer).toBe('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1');
    expect(issuer.jwksUri).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/us-east-1_TestPool1\/\.well-known\/jwks\.json$/,
    );
    expect(issuer.ca).toBeUndefined();
  });

  it('derives the region from a GovCloud user pool id', async () => {
    const gov = await createTestIssuer({ userPoolId: 'us-gov-west-1_Abc123', clientId: 'c1' });
    try {
      expect(gov.region).toBe('us-gov-west-1');
      expect(gov.issuer).toBe(
        'https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Abc123',
      );
      expect(gov.clientId).toBe('c1');
    } finally {
      await gov.close();
    }
  });

  it.each([
    'us-east-1',
    'US-EAST-1_Abc',
    'us-east-1_',
    'us-east-1_a/b',
    '../us-east-1_Abc',
    'us-east-1_Abc ',
  ])('rejects the user pool id %j', async (userPoolId) => {
    await expect(createTestIssuer({ userPoolId })).rejects.toThrow(TypeError);
  });

  it.each(['', 'has space', 'a/b', 'x'.repeat(129)])(
    'rejects the client id %j',
    async (clientId) => {
      await expect(createTestIssuer({ clientId })).rejects.toThrow(TypeError);
    },
  );

  it.each([256, 1024.5, Number.NaN, 16_384])('rejects a modulusLength of %d', async (n) => {
    await expect(createTestIssuer({ modulusLength: n })).rejects.toThrow(TypeError);
  });

  it.each(['userPoolID', 'region', 'issuer'])(
    'rejects the unknown option %j, naming it',
    async (key) => {
      await expect(createTestIssuer({ [key]: 'x' } as never)).rejects.toThrow(
        `unknown createTestIssuer option "${key}"`,
      );
    },
  );

  it('serves the key set as Cognito does', async () => {
    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('max-age=3600');
    const body = JSON.parse(res.body.toString('utf8'));
    expect(body).toEqual(issuer.jwks());
    expect(body.keys).toHaveLength(1);
    expect(Object.keys(body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(body.keys[0]).toMatchObject({ alg: 'RS256', e: 'AQAB', kty: 'RSA', use: 'sig' });
    expect(body.keys[0].kid).toBe(issuer.currentKid);
  });

  it('uses kids shaped like Cognito kids (44 characters of padded base64)', () => {
    expect(issuer.currentKid).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('returns a fresh copy from jwks()', () => {
    const set = issuer.jwks();
    (set.keys[0] as { kid: string }).kid = 'changed';
    expect(issuer.jwks().keys[0]?.kid).toBe(issuer.currentKid);
  });

  it('ignores the query string', async () => {
    const res = await httpGet(`${issuer.jwksUri}?cache-bust=1`);
    expect(res.status).toBe(200);
  });

  it.each([
    ['another pool', '/us-east-1_Other/.well-known/jwks.json'],
    ['the root', '/'],
    ['the openid configuration', '/us-east-1_TestPool1/.well-known/openid-configuration'],
    ['a trailing slash', '/us-east-1_TestPool1/.well-known/jwks.json/'],
  ])('answers 404 for %s', async (_name, path) => {
    const res = await httpGet(new URL(path, issuer.jwksUri).href);
    expect(res.status).toBe(404);
  });

  it('answers 404 to a POST on the JWKS path', async () => {
    const res = await httpGet(issuer.jwksUri, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('counts every request, whatever its path or outcome', async () => {
    const before = issuer.requestCount;
    await httpGet(issuer.jwksUri);
    await httpGet(new URL('/nope', issuer.jwksUri).href);
    await httpGet(issuer.jwksUri, { method: 'POST' });
    expect(issuer.requestCount).toBe(before + 3);
  });
});

describe('createTestIssuer with https', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ https: true });
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('serves the key set over HTTPS to a client that trusts the CA', async () => {
    expect(issuer.jwksUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(issuer.ca).toContain('-----BEGIN CERTIFICATE-----');

    const res = await httpGet(issuer.jwksUri, { ca: issuer.ca });

    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual(issuer.jwks());
  });

  it('fails certificate validation for a client that does not trust the CA', async () => {
    await expect(httpGet(issuer.jwksUri)).rejects.toMatchObject({
      code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/),
    });
  });

  it('presents a certificate for 127.0.0.1 and localhost, issued by the CA', async () => {
    const res = await httpGet(issuer.jwksUri, { ca: issuer.ca, servername: 'localhost' });
    const leaf = new X509Certificate(res.peerCertificate ?? Buffer.alloc(0));
    const ca = new X509Certificate(issuer.ca ?? '');

    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(ca.ca).toBe(true);
  });

  it('uses a fresh CA for each issuer', async () => {
    const other = await createTestIssuer({ https: true });
    try {
      expect(other.ca).not.toBe(issuer.ca);
      await expect(httpGet(other.jwksUri, { ca: issuer.ca })).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN/),
      });
    } finally {
      await other.close();
    }
  });
});

describe('TestIssuer.close', () => {
  it('is idempotent and frees the port', async () => {
    const issuer = await createTestIssuer();
    const port = Number(new URL(issuer.jwksUri).port);

    await Promise.all([issuer.close(), issuer.close()]);
    await issuer.close();

    await expect(httpGet(issuer.jwksUri)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const probe = createServer().listen(port, '127.0.0.1');
    await once(probe, 'listening');
    await new Promise((resolve) => probe.close(resolve));
  });

  it('ends open connections instead of waiting for them', async () => {
    const issuer = await createTestIssuer({ https: true });
    issuer.misbehave({ kind: 'hang' });
    const pending = httpGet(issuer.jwksUri, { ca: issuer.ca, timeoutMs: 10_000 });
    // Wait until the server has the request, so close() meets an open connection.
    for (let i = 0; i < 200 && issuer.requestCount === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(issuer.requestCount).toBe(1);

    const started = Date.now();
    await issuer.close();

    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(pending).rejects.toThrow();
  });
});
