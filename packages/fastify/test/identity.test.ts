import type { AddressInfo } from 'node:net';
import { requireAuthenticated } from '@cognito-guard/core';
import { createTestIdentityPool, type TestIdentityPool } from '@cognito-guard/testing';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp } from '../../../test/conformance/http-client.js';
import { identityPoolGuard, requireIdentity } from '../src/index.js';

let pool: TestIdentityPool;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  pool = await createTestIdentityPool();
});

afterAll(async () => {
  await pool?.close();
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];

async function start(allowGuests: boolean) {
  app = Fastify();
  await app.register(identityPoolGuard, {
    identityPool: { identityPoolId: pool.identityPoolId, allowGuests, jwksUri: pool.jwksUri },
  });
  const body = (request: FastifyRequest) => ({
    guest: request.identity?.guest ?? null,
    sub: request.identity?.userPool?.sub ?? null,
  });
  app.get('/feed', async (request) => body(request));
  app.delete('/feed', { onRequest: requireIdentity(requireAuthenticated()) }, async (request) =>
    body(request),
  );
  app.get('/health', { config: { identity: false } }, async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return (method: string, path: string, headers: [string, string][] = []) =>
    sendHttp(port, { method: method as 'GET', path, headers });
}

describe('identityPoolGuard', () => {
  it('lets a guest read and refuses its delete with 403', async () => {
    const send = await start(true);
    const token = await pool.mintOpenIdToken();
    const read = await send('GET', '/feed', [bearer(token)]);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toEqual({ guest: true, sub: null });
    expect((await send('DELETE', '/feed', [bearer(token)])).status).toBe(403);
  });

  it('lets a signed-in user delete', async () => {
    const send = await start(true);
    const token = await pool.mintOpenIdToken({
      login: { kind: 'user-pool', userPoolId: 'us-east-1_Example', sub: 'member' },
    });
    const answer = await send('DELETE', '/feed', [bearer(token)]);
    expect(JSON.parse(answer.text)).toEqual({ guest: false, sub: 'member' });
  });

  it('refuses guest tokens with 401 where guests are not allowed', async () => {
    const send = await start(false);
    const answer = await send('GET', '/feed', [bearer(await pool.mintOpenIdToken())]);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('skips routes with config.identity false, and answers 401 elsewhere without a token', async () => {
    const send = await start(true);
    expect((await send('GET', '/health')).status).toBe(200);
    expect((await send('GET', '/feed')).status).toBe(401);
  });
});
