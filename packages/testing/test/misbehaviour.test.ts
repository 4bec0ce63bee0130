import { gzipSync } from 'node:zlib';
import type { TestIssuer } from '@cognito-guard/testing';
import { createTestIssuer } from '@cognito-guard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

async function waitForRequests(issuer: TestIssuer, count: number): Promise<void> {
  for (let i = 0; i < 200 && issuer.requestCount < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TestIssuer.misbehave', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterEach(() => {
    issuer.misbehave(null);
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('drops connections without answering when down, and counts them', async () => {
    issuer.misbehave({ kind: 'down' });
    const before = issuer.requestCount;

    await expect(httpGet(issuer.jwksUri)).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(issuer.requestCount).toBe(before + 1);
  });

  it('never answers when hanging', async () => {
    issuer.misbehave({ kind: 'hang' });
    const before = issuer.requestCount;

    await expect(httpGet(issuer.jwksUri, { timeoutMs: 300 })).rejects.toThrow('client timeout');
    expect(issuer.requestCount).toBe(before + 1);
  });

  it('answers normally after the delay when slow', async () => {
    issuer.misbehave({ kind: 'slow', delayMs: 150 });
    const started = performance.now();

    const res = await httpGet(issuer.jwksUri);

    // A few milliseconds of slack: timers and clocks do not share a resolution.
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual(issuer.jwks());
  });

  it('answers with the given status and body', async () => {
    issuer.misbehave({ kind: 'status', status: 500, body: 'Internal Server Error' });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(500);
    expect(res.body.toString('utf8')).toBe('Internal Server Error');
  });

  it('answers with an empty body when the status has none', async () => {
    issuer.misbehave({ kind: 'status', status: 404 });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(404);
    expect(res.body).toHaveLength(0);
  });

  it('redirects with 302 and a Location header by default', async () => {
    issuer.misbehave({ kind: 'redirect', location: 'https://evil.example/jwks.json' });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('https://evil.example/jwks.json');
  });

  it('redirects with the given status', async () => {
    issuer.misbehave({ kind: 'redirect', location: '/elsewhere', status: 308 });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('/elsewhere');
  });

  it('streams an oversized, valid-looking key set without Content-Length', async () => {
    const bytes = 2 * 1024 * 1024;
    issuer.misbehave({ kind: 'oversized', bytes });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.body.length).toBeGreaterThanOrEqual(bytes);
    expect(res.body.length).toBeLessThan(bytes + 16);
    const body = JSON.parse(res.body.toString('utf8'));
    expect(body.keys).toEqual(issuer.jwks().keys);
    expect(body.pad).toMatch(/^x+$/);
  });

  it('pads a replaced key set that is not an object into a JSON object', async () => {
    issuer.setJwks([1, 2]);
    issuer.misbehave({ kind: 'oversized', bytes: 1000 });

    const res = await httpGet(issuer.jwksUri);
    issuer.setJwks(undefined);

    expect(res.body.length).toBe(1000);
    expect(Object.keys(JSON.parse(res.body.toString('utf8')))).toEqual(['pad']);
  });

  it('sends raw bytes exactly, invalid UTF-8 included', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0xff, 0x22, 0x7d]);
    issuer.misbehave({ kind: 'raw', body: bytes, headers: { 'content-type': 'application/json' } });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual(Buffer.from(bytes));
  });

  it('sends a gzip body with the given Content-Encoding and status', async () => {
    const gzipped = gzipSync(JSON.stringify(issuer.jwks()));
    issuer.misbehave({
      kind: 'raw',
      body: gzipped,
      headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' },
      status: 203,
    });

    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(203);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body).toEqual(gzipped);
  });

  it('sends an HTML string body', async () => {
    issuer.misbehave({ kind: 'raw', body: '<html>Sign in</html>', headers: {} });

    const res = await httpGet(issuer.jwksUri);

    expect(res.body.toString('utf8')).toBe('<html>Sign in</html>');
    expect(res.headers['content-type']).toBeUndefined();
  });

  it('fails only the request when a raw header is one Node refuses', async () => {
    issuer.misbehave({ kind: 'raw', body: '{}', headers: { 'bad header': 'x' } });

    await expect(httpGet(issuer.jwksUri)).rejects.toThrow();
    issuer.misbehave(null);
    const res = await httpGet(issuer.jwksUri);

    expect(res.status).toBe(200);
  });

  it('behaves again after misbehave(null)', async () => {
    issuer.misbehave({ kind: 'status', status: 503 });
    const broken = await httpGet(issuer.jwksUri);
    issuer.misbehave(null);
    const fixed = await httpGet(issuer.jwksUri);

    expect(broken.status).toBe(503);
    expect(fixed.status).toBe(200);
  });
});

describe('TestIssuer.misbehave over https', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ https: true });
  });

  afterEach(() => {
    issuer.misbehave(null);
  });

  afterAll(async () => {
    await issuer.close();
  });

  it('drops connections before the TLS handshake when down', async () => {
    issuer.misbehave({ kind: 'down' });
    const before = issuer.requestCount;

    await expect(httpGet(issuer.jwksUri, { ca: issuer.ca })).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect(issuer.requestCount).toBe(before + 1);
  });

  it('answers with a status over TLS', async () => {
    issuer.misbehave({ kind: 'status', status: 500 });

    const res = await httpGet(issuer.jwksUri, { ca: issuer.ca });

    expect(res.status).toBe(500);
  });
});

describe('TestIssuer.close while misbehaving', () => {
  it('clears slow timers and ends the pending request', async () => {
    const issuer = await createTestIssuer();
    issuer.misbehave({ kind: 'slow', delayMs: 10_000 });
    const pending = httpGet(issuer.jwksUri, { timeoutMs: 10_000 });
    await waitForRequests(issuer, 1);

    const started = performance.now();
    await issuer.close();

    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(pending).rejects.toThrow();
  });
});
