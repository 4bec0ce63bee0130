import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier } from '@cognito-guard/core';
import { createRevocationList, type RevocationList } from '@cognito-guard/revocation';
import { createCognitoSignOut } from '@cognito-guard/revocation/cognito';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CognitoEmulator,
  cognitoClient,
  createAppClient,
  createUser,
  signIn,
  startCognitoLocal,
  TIMEOUT_MS,
  tryRefresh,
} from '../../../packages/revocation/test/cognito-emulators.js';
// @ts-expect-error the example is plain JavaScript, without type declarations
import { createApp } from '../src/app.mjs';

/**
 * POST /sign-out of the example, on a real Express server (127.0.0.1, port 0) with an in-memory
 * revocation list and cognito-local 5.3.0 as Cognito (RevokeToken is what it implements): the
 * token is refused right after, and Cognito no longer accepts the refresh token.
 */

let emulator: CognitoEmulator;
let cognito: ReturnType<typeof cognitoClient>;
let clientId: string;
let list: RevocationList;
let server: Server;
let url: string;

beforeAll(async () => {
  emulator = await startCognitoLocal();
  cognito = cognitoClient(emulator.endpoint);
  clientId = await createAppClient(cognito, emulator.userPoolId);
  for (const name of ['nina', 'omar', 'petra', 'quinn']) {
    await createUser(cognito, emulator.userPoolId, name);
  }
  list = createRevocationList();
  const verifier = createVerifier({
    userPoolId: emulator.userPoolId,
    clientId,
    tokenUse: 'access',
    jwksUri: `${emulator.endpoint}/${emulator.userPoolId}/.well-known/jwks.json`,
    isRevoked: list.isRevoked,
  });
  const signOut = createCognitoSignOut({ client: cognito, list, clientId });
  const app = createApp({ verifier, signOut }) as {
    listen(port: number, host: string): Server;
  };
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await list?.close();
  cognito?.destroy();
  await emulator?.close();
});

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; challenge: string | null }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text === '' ? undefined : JSON.parse(text),
    challenge: res.headers.get('www-authenticate'),
  };
}

describe('POST /sign-out (express example)', () => {
  it('signs the session out: the access token is refused right after, the refresh token is dead', async () => {
    const tokens = await signIn(cognito, clientId, 'nina');
    expect((await call('GET', '/me', tokens.access)).status).toBe(200);

    const out = await call('POST', '/sign-out', tokens.access, { refreshToken: tokens.refresh });
    expect(out.status).toBe(204);

    const after = await call('GET', '/me', tokens.access);
    expect(after.status).toBe(401);
    expect(after.challenge).toContain('error="invalid_token"');
    expect(await tryRefresh(cognito, clientId, tokens.refresh)).toBe('NotAuthorizedException');
  });

  it('leaves the other sessions of the user alone', async () => {
    const first = await signIn(cognito, clientId, 'omar');
    const second = await signIn(cognito, clientId, 'omar');
    const out = await call('POST', '/sign-out', first.access, { refreshToken: first.refresh });
    expect(out.status).toBe(204);
    expect((await call('GET', '/me', first.access)).status).toBe(401);
    expect((await call('GET', '/me', second.access)).status).toBe(200);
    expect(await tryRefresh(cognito, clientId, second.refresh)).toBe('refreshed');
  });

  it('answers 502 naming the failed step when Cognito refuses, and refuses the token anyway', async () => {
    const tokens = await signIn(cognito, clientId, 'petra');
    const out = await call('POST', '/sign-out', tokens.access, {
      refreshToken: 'not-a-refresh-token-cognito-knows',
    });
    expect(out.status).toBe(502);
    expect(out.body).toEqual({ error: 'sign-out incomplete', list: 'ok', cognito: 'failed' });
    expect((await call('GET', '/me', tokens.access)).status).toBe(401);
    // Cognito was not told: the refresh token still works, which is why the client retries.
    expect(await tryRefresh(cognito, clientId, tokens.refresh)).toBe('refreshed');
  });

  it('signs the user out everywhere without a refresh token, and says Cognito failed when it refuses', async () => {
    // Without a refresh token the route calls GlobalSignOut with the caller's access token;
    // cognito-local 5.3.0 does not implement it (the moto_server tests of the helper cover the
    // success), so this runs the route's failure path: the list signed the user out anyway.
    const first = await signIn(cognito, clientId, 'quinn');
    const second = await signIn(cognito, clientId, 'quinn');
    const out = await call('POST', '/sign-out', first.access);
    expect(out.status).toBe(502);
    expect(out.body).toEqual({ error: 'sign-out incomplete', list: 'ok', cognito: 'failed' });
    expect((await call('GET', '/me', first.access)).status).toBe(401);
    expect((await call('GET', '/me', second.access)).status).toBe(401);
  });

  it('answers 401 without a token and records nothing', async () => {
    const before = list.status().entries;
    const out = await call('POST', '/sign-out', undefined, { refreshToken: 'x' });
    expect(out.status).toBe(401);
    expect(list.status().entries).toBe(before);
  });

  it('answers 422 to a refresh token that is not a string and records nothing', async () => {
    const tokens = await signIn(cognito, clientId, 'nina');
    const before = list.status().entries;
    const out = await call('POST', '/sign-out', tokens.access, { refreshToken: 42 });
    expect(out.status).toBe(422);
    expect(list.status().entries).toBe(before);
    expect((await call('GET', '/me', tokens.access)).status).toBe(200);
  });
});
