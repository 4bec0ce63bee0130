import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createAppSyncAuthorizer } from '@cognito-guard/appsync';
import {
  type AuthResult,
  createVerifier,
  type ErrorCode,
  isAuthError,
  requireGroups,
  type Verifier,
} from '@cognito-guard/core';
import { cognitoAuth, requireGroups as expressRequireGroups } from '@cognito-guard/express';
import { cognitoGuard } from '@cognito-guard/fastify';
import {
  type AuthorizerEvent,
  createRestTokenAuthorizer,
  evaluatePolicy,
} from '@cognito-guard/lambda';
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The flows every Cognito emulator goes through: real SDK calls create a client, users and
 * groups, sign in with USER_PASSWORD_AUTH and refresh with REFRESH_TOKEN_AUTH; the tokens
 * the emulator issues then go through the core verifier (JWKS fetched over HTTP from the
 * emulator) and through every adapter. Shared by cognito-local and moto_server.
 */

/** Every await on the network gets a deadline, so a wedged emulator fails the test, not CI. */
export const TIMEOUT_MS = 10_000;

export interface Emulator {
  /** `http://127.0.0.1:<port>`: the Cognito API and the JWKS. */
  readonly endpoint: string;
  /** Returns the pool to run in (seeded, or created through the API). */
  readonly userPoolId: string;
  /**
   * The `iss` of the emulator's tokens when it is not Amazon Cognito's (cognito-local in its
   * default mode): the verifier then trusts it through the `emulator` option.
   */
  readonly emulatorIssuer?: string | undefined;
}

export function cognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

const PASSWORD = 'Passw0rd!e2e';
const PROD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod';

interface Tokens {
  readonly access: string;
  readonly id: string;
  readonly refresh: string;
}

function signal(): AbortSignal {
  return AbortSignal.timeout(TIMEOUT_MS);
}

async function get(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: signal() });
  return { status: res.status, body: await res.json() };
}

async function rejectionCode(promise: Promise<unknown>): Promise<ErrorCode | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    if (isAuthError(err)) return err.code;
    throw err;
  }
}

/** Registers the shared flows in the current describe block. */
export function registerFlows(
  name: string,
  start: () => Promise<Emulator>,
  /** cognito-local's refresh token is a JWT without `kid`; moto's is an opaque UUID. */
  refreshTokenCode: ErrorCode,
): void {
  let emulator: Emulator;
  let clientId: string;
  let otherClientId: string;
  let alice: Tokens;
  let bob: Tokens;
  let aliceRefreshed: Tokens;
  let otherClientToken: string;
  let verifier: Verifier<'access'>;
  let idVerifier: Verifier<'id'>;
  const rejected: ErrorCode[] = [];

  const login = async (cid: string, username: string): Promise<Tokens> => {
    const out = await cip().send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cid,
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
      { abortSignal: signal() },
    );
    const r = out.AuthenticationResult;
    if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) throw new Error(`${name}: no tokens`);
    return { access: r.AccessToken, id: r.IdToken, refresh: r.RefreshToken };
  };
  let client: CognitoIdentityProviderClient | undefined;
  const cip = (): CognitoIdentityProviderClient => {
    client ??= cognitoClient(emulator.endpoint);
    return client;
  };
  const jwksUri = (): string => `${emulator.endpoint}/${emulator.userPoolId}/.well-known/jwks.json`;

  beforeAll(async () => {
    emulator = await start();
    const UserPoolId = emulator.userPoolId;
    const opts = () => ({ abortSignal: signal() });
    const flows = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;
    const a = await cip().send(
      new CreateUserPoolClientCommand({
        UserPoolId,
        ClientName: 'web',
        ExplicitAuthFlows: [...flows],
      }),
      opts(),
    );
    const b = await cip().send(
      new CreateUserPoolClientCommand({
        UserPoolId,
        ClientName: 'other',
        ExplicitAuthFlows: [...flows],
      }),
      opts(),
    );
    clientId = a.UserPoolClient?.ClientId ?? '';
    otherClientId = b.UserPoolClient?.ClientId ?? '';
    expect(clientId).not.toBe('');
    expect(otherClientId).not.toBe(clientId);

    // alice: created by an administrator; bob: signs up and is confirmed.
    await cip().send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: 'alice',
        TemporaryPassword: 'TempPassw0rd!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: 'alice@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
      opts(),
    );
    await cip().send(
      new AdminSetUserPasswordCommand({
        UserPoolId,
        Username: 'alice',
        Password: PASSWORD,
        Permanent: true,
      }),
      opts(),
    );
    await cip().send(
      new SignUpCommand({
        ClientId: clientId,
        Username: 'bob',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: 'bob@example.com' }],
      }),
      opts(),
    );
    await cip().send(new AdminConfirmSignUpCommand({ UserPoolId, Username: 'bob' }), opts());
    await cip().send(
      new CreateGroupCommand({ UserPoolId, GroupName: 'readers', Precedence: 2 }),
      opts(),
    );
    await cip().send(
      new CreateGroupCommand({ UserPoolId, GroupName: 'admins', Precedence: 1 }),
      opts(),
    );
    await cip().send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: 'alice', GroupName: 'readers' }),
      opts(),
    );

    alice = await login(clientId, 'alice');
    bob = await login(clientId, 'bob');
    otherClientToken = (await login(otherClientId, 'alice')).access;

    // Group membership changes; the old tokens keep the old groups, a refreshed one has them.
    await cip().send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: 'alice', GroupName: 'admins' }),
      opts(),
    );
    const refreshed = await cip().send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: alice.refresh },
      }),
      opts(),
    );
    const r = refreshed.AuthenticationResult;
    if (!r?.AccessToken || !r.IdToken) throw new Error(`${name}: refresh gave no tokens`);
    aliceRefreshed = { access: r.AccessToken, id: r.IdToken, refresh: alice.refresh };

    const common = {
      userPoolId: emulator.userPoolId,
      clientId,
      ...(emulator.emulatorIssuer === undefined
        ? { jwksUri: jwksUri() }
        : { emulator: { issuer: emulator.emulatorIssuer, jwksUri: jwksUri() } }),
      jwks: { timeoutMs: TIMEOUT_MS },
    } as const;
    verifier = createVerifier({
      ...common,
      tokenUse: 'access',
      onEvent: (event) => {
        if (event.type === 'rejected') rejected.push(event.code);
      },
    });
    idVerifier = createVerifier({ ...common, tokenUse: 'id' });
  });

  afterAll(() => {
    client?.destroy();
  });

  describe('core verifier', () => {
    it('accepts an access token with the emulator JWKS fetched over HTTP', async () => {
      const auth = await verifier.verify(alice.access);
      expect(auth.tokenUse).toBe('access');
      expect(auth.userPoolId).toBe(emulator.userPoolId);
      expect(auth.clientId).toBe(clientId);
      expect(auth.username).toBe('alice');
      expect(auth.groups).toEqual(['readers']);
      expect(auth.scopes).toContain('aws.cognito.signin.user.admin');
      expect(auth.isMachine).toBe(false);
    });

    it('accepts the access token of a user who signed up and was confirmed', async () => {
      const auth = await verifier.verify(bob.access);
      expect(auth.username).toBe('bob');
      expect(auth.groups).toEqual([]);
    });

    it('accepts an id token when tokenUse is "id"', async () => {
      const auth = await idVerifier.verify(alice.id);
      expect(auth.tokenUse).toBe('id');
      expect(auth.clientId).toBe(clientId);
      expect(auth.username).toBe('alice');
      expect(auth.groups).toEqual(['readers']);
    });

    it('rejects an id token when tokenUse is "access"', async () => {
      expect(await rejectionCode(verifier.verify(alice.id))).toBe('TOKEN_USE');
      expect(rejected.at(-1)).toBe('TOKEN_USE');
    });

    it('rejects an access token when tokenUse is "id"', async () => {
      expect(await rejectionCode(idVerifier.verify(alice.access))).toBe('TOKEN_USE');
    });

    it('rejects a token issued to another app client', async () => {
      expect(await rejectionCode(verifier.verify(otherClientToken))).toBe('CLIENT_ID');
      expect(rejected.at(-1)).toBe('CLIENT_ID');
    });

    it(`rejects the refresh token as a bearer token with ${refreshTokenCode}`, async () => {
      expect(await rejectionCode(verifier.verify(alice.refresh))).toBe(refreshTokenCode);
    });

    it('sees a new group only in the refreshed token', async () => {
      const admins = requireGroups('admins');
      const before: AuthResult = await verifier.verify(alice.access);
      expect(() => admins(before)).toThrow(expect.objectContaining({ code: 'GROUP_NOT_ALLOWED' }));
      const after = await verifier.verify(aliceRefreshed.access);
      expect([...after.groups].sort()).toEqual(['admins', 'readers']);
      expect(() => admins(after)).not.toThrow();
      const idAfter = await idVerifier.verify(aliceRefreshed.id);
      expect([...idAfter.groups].sort()).toEqual(['admins', 'readers']);
    });
  });

  /** A real server per HTTP adapter, started with the verifier; refusals land in `codes`. */
  type StartAdapter = (codes: ErrorCode[]) => Promise<{ base: string; close(): Promise<void> }>;
  const httpAdapters: [string, StartAdapter][] = [
    [
      'express adapter',
      async (codes) => {
        const app = express();
        app.use(cognitoAuth({ verifier, passErrors: true }));
        app.get('/me', (req, res) => {
          res.json({ username: req.auth?.username });
        });
        app.get('/admin', expressRequireGroups('admins'), (_req, res) => {
          res.json({ ok: true });
        });
        app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
          if (!isAuthError(err)) return next(err);
          codes.push(err.code);
          res.status(err.status).json({ code: err.code });
        });
        const server = await new Promise<Server>((resolve) => {
          const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
        });
        return {
          base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          close: () => new Promise<void>((resolve) => server.close(() => resolve())),
        };
      },
    ],
    [
      'fastify adapter',
      async (codes) => {
        const app = Fastify();
        app.setErrorHandler((err, _req, reply) => {
          if (!isAuthError(err)) throw err;
          codes.push(err.code);
          return reply.code(err.status).send({ code: err.code });
        });
        await app.register(cognitoGuard, { verifier, passErrors: true });
        app.get('/me', async (req) => ({ username: req.auth?.username }));
        app.get('/admin', { config: { auth: { policy: requireGroups('admins') } } }, async () => ({
          ok: true,
        }));
        return { base: await app.listen({ port: 0, host: '127.0.0.1' }), close: () => app.close() };
      },
    ],
  ];

  for (const [name, start] of httpAdapters) {
    describe(name, () => {
      const codes: ErrorCode[] = [];
      let running: Awaited<ReturnType<StartAdapter>> | undefined;

      beforeAll(async () => {
        running = await start(codes);
      });

      afterAll(async () => {
        await running?.close();
      });

      it('answers 200 with the access token on a real server', async () => {
        expect(await get(`${running!.base}/me`, alice.access)).toEqual({
          status: 200,
          body: { username: 'alice' },
        });
      });

      it('refuses an id token with 401 TOKEN_USE', async () => {
        expect((await get(`${running!.base}/me`, alice.id)).status).toBe(401);
        expect(codes.at(-1)).toBe('TOKEN_USE');
      });

      it('refuses a token from another app client with 401 CLIENT_ID', async () => {
        expect((await get(`${running!.base}/me`, otherClientToken)).status).toBe(401);
        expect(codes.at(-1)).toBe('CLIENT_ID');
      });

      it('refuses the admin route with 403 GROUP_NOT_ALLOWED until the token is refreshed', async () => {
        expect((await get(`${running!.base}/admin`, alice.access)).status).toBe(403);
        expect(codes.at(-1)).toBe('GROUP_NOT_ALLOWED');
        expect(await get(`${running!.base}/admin`, aliceRefreshed.access)).toEqual({
          status: 200,
          body: { ok: true },
        });
      });
    });
  }

  describe('REST TOKEN authorizer', () => {
    const events: AuthorizerEvent[] = [];
    const handler = () =>
      createRestTokenAuthorizer({
        verifier,
        routes: {
          'GET /orders': requireGroups('readers'),
          'DELETE /orders/{id}': requireGroups('admins'),
        },
        onEvent: (event) => events.push(event),
      });
    const tokenEvent = (token: string) => ({
      type: 'TOKEN' as const,
      authorizationToken: `Bearer ${token}`,
      methodArn: `${PROD_ARN}/GET/orders`,
    });

    it('allows a reader and computes a policy that denies deletes until the token is refreshed', async () => {
      const authorize = handler();
      const before = await authorize(tokenEvent(alice.access));
      expect(before.principalId).toBe((await verifier.verify(alice.access)).sub);
      expect(evaluatePolicy(before.policyDocument, `${PROD_ARN}/GET/orders`)).toBe('allow');
      expect(evaluatePolicy(before.policyDocument, `${PROD_ARN}/DELETE/orders/7`)).not.toBe(
        'allow',
      );
      const after = await authorize(tokenEvent(aliceRefreshed.access));
      expect(evaluatePolicy(after.policyDocument, `${PROD_ARN}/DELETE/orders/7`)).toBe('allow');
    });

    it('denies a user outside the group with GROUP_NOT_ALLOWED', async () => {
      const result = await handler()(tokenEvent(bob.access));
      expect(evaluatePolicy(result.policyDocument, `${PROD_ARN}/GET/orders`)).toBe('explicit-deny');
      expect(events.at(-1)).toMatchObject({ type: 'deny', code: 'GROUP_NOT_ALLOWED' });
    });

    it('throws Unauthorized for an id token (TOKEN_USE) and a foreign client (CLIENT_ID)', async () => {
      const authorize = handler();
      await expect(authorize(tokenEvent(alice.id))).rejects.toThrow(/^Unauthorized$/);
      expect(events.at(-1)).toMatchObject({ type: 'unauthorized', code: 'TOKEN_USE' });
      await expect(authorize(tokenEvent(otherClientToken))).rejects.toThrow(/^Unauthorized$/);
      expect(events.at(-1)).toMatchObject({ type: 'unauthorized', code: 'CLIENT_ID' });
    });
  });

  describe('AppSync authorizer', () => {
    const decisions: { isAuthorized: boolean; code?: ErrorCode | undefined }[] = [];
    const authorize = (token: string) =>
      createAppSyncAuthorizer({
        verifier,
        fields: { 'Mutation.deletePost': requireGroups('admins') },
        onEvent: (d) => decisions.push(d),
      })({
        authorizationToken: token,
        requestContext: { apiId: 'api1', accountId: '123456789012', queryString: '{ me { id } }' },
      });

    it('authorizes the access token and denies the admin field until the token is refreshed', async () => {
      const before = await authorize(alice.access);
      expect(before.isAuthorized).toBe(true);
      expect(before.deniedFields).toEqual(['Mutation.deletePost']);
      expect(before.resolverContext?.['username']).toBe('alice');
      const after = await authorize(aliceRefreshed.access);
      expect(after.isAuthorized).toBe(true);
      expect(after.deniedFields ?? []).toEqual([]);
    });

    it('refuses an id token (TOKEN_USE) and a foreign client (CLIENT_ID)', async () => {
      expect((await authorize(alice.id)).isAuthorized).toBe(false);
      expect(decisions.at(-1)).toMatchObject({ isAuthorized: false, code: 'TOKEN_USE' });
      expect((await authorize(otherClientToken)).isAuthorized).toBe(false);
      expect(decisions.at(-1)).toMatchObject({ isAuthorized: false, code: 'CLIENT_ID' });
    });
  });
}
