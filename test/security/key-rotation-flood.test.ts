/**
 * Key rotation under an unknown-kid flood (availability; attack class 6).
 *
 * The JWKS cache refetches for an unknown kid at most once per cooldown. An anonymous client
 * that sends a random kid just before the pool rotates its keys spends that one fetch, so
 * correctly signed tokens under the NEW kid arrive while no refetch is allowed. Answering
 * them 401 (KEY_NOT_FOUND) makes clients discard good tokens for up to a whole cooldown after
 * every rotation. Instead, while a refetch is not allowed, an unknown kid answers 503 with
 * `Retry-After` set to the rest of the cooldown: it trusts nothing, costs no fetch, and the
 * retry lands when the next fetch may run. The sequence runs end to end: the testing kit's
 * JWKS server on 127.0.0.1, an injected clock, and an Express app on port 0.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createVerifier } from '@cognito-guard/core';
import { cognitoAuth } from '@cognito-guard/express';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HttpAnswer, sendHttp } from '../conformance/http-client.js';
import { manualClock } from './helpers.js';

const clock = manualClock(Date.UTC(2026, 10, 1, 12));
let issuer: TestIssuer;
let server: ReturnType<ReturnType<typeof express>['listen']> | undefined;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_RotFlood1', clock: clock.now });
});

afterEach(async () => {
  if (server === undefined) return;
  const closing = server;
  server = undefined;
  closing.closeAllConnections();
  await new Promise<void>((resolve) => closing.close(() => resolve()));
});

afterAll(async () => {
  await issuer?.close();
});

/** Starts an Express app guarding `GET /hello`; answers its port. */
async function start(): Promise<number> {
  const app = express();
  app.set('env', 'production');
  app.use(
    cognitoAuth({
      verifier: createVerifier({
        userPoolId: issuer.userPoolId,
        clientId: issuer.clientId,
        tokenUse: 'access',
        jwksUri: issuer.jwksUri,
        clock: clock.now,
        jwks: { cooldownSeconds: 30 },
      }),
    }),
  );
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise<void>((resolve, reject) => {
    listening.once('listening', resolve);
    listening.once('error', reject);
  });
  return (listening.address() as AddressInfo).port;
}

const get = (port: number, token: string): Promise<HttpAnswer> =>
  sendHttp(port, {
    method: 'GET',
    path: '/hello',
    headers: [['Authorization', `Bearer ${token}`]],
  });

/** A token signed by the pool's current key but naming a kid the pool never had. */
const randomKidToken = (): Promise<string> =>
  issuer.mintAccessToken({ header: { kid: randomBytes(32).toString('base64') } });

describe('key rotation under an unknown-kid flood (attack class 6)', () => {
  it('answers new-kid tokens 503 with the remaining cooldown as Retry-After, then 200 once the cooldown ends, at one fetch per cooldown', async () => {
    const port = await start();
    const oldToken = await issuer.mintAccessToken({ username: 'old', expiresIn: 3600 });
    expect((await get(port, oldToken)).status).toBe(200);
    const afterWarmUp = issuer.requestCount;

    // 31 s on, the attacker's random kid spends the refetch: one fetch, and the kid is not
    // in the set just fetched, so that one is a 401.
    clock.advance(31);
    const first = await get(port, await randomKidToken());
    expect(first.status).toBe(401);
    expect(first.headers['www-authenticate']).toContain('invalid_token');
    expect(issuer.requestCount - afterWarmUp).toBe(1);

    // 15 s later the pool rotates; clients get tokens under the new kid.
    clock.advance(15);
    await issuer.rotateKeys({ keepPrevious: true });
    const newToken = await issuer.mintAccessToken({ username: 'new' });

    // Within the cooldown: the good new-kid token is told to retry when the cooldown ends,
    // never a 401; the flood gets the same answer and costs no fetch.
    const early = await get(port, newToken);
    expect(early.status).toBe(503);
    expect(early.headers['retry-after']).toBe('15');
    expect(early.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(early.text).error).toBe('temporarily_unavailable');
    const flood = await Promise.all(
      Array.from({ length: 20 }, async () => (await get(port, await randomKidToken())).status),
    );
    expect(new Set(flood)).toEqual(new Set([503]));
    expect(issuer.requestCount - afterWarmUp).toBe(1);
    // The known key keeps working throughout.
    expect((await get(port, oldToken)).status).toBe(200);

    // At the Retry-After the client was given, the retry triggers the one allowed fetch.
    clock.advance(15);
    expect((await get(port, newToken)).status).toBe(200);
    expect(issuer.requestCount - afterWarmUp).toBe(2);

    // Right after it, the flood is told to come back when the new cooldown ends: no new fetch.
    const after = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const answer = await get(port, await randomKidToken());
        return `${answer.status} ${answer.headers['retry-after']}`;
      }),
    );
    expect(new Set(after)).toEqual(new Set(['503 30']));
    expect(issuer.requestCount - afterWarmUp).toBe(2);
    expect((await get(port, newToken)).status).toBe(200);
    expect((await get(port, oldToken)).status).toBe(200);
  });
});
