/**
 * Every issuer a Cognito user pool uses, and nothing more (SECURITY.md R23, R18; RFC 8725
 * §3.8; Amazon Cognito API reference, `IssuerConfigurationType`):
 * - the original form `https://cognito-idp.<region>.amazonaws.com/<pool>`, the updated form
 *   `https://issuer-cognito-idp.<primary region>.amazonaws.com/<pool>`, and the original form
 *   from each configured replica Region, each verified with keys from its own JWKS URI;
 * - `hydrate()` fetches only what the configuration says is in use, so a pool on the original
 *   issuer type whose updated-form JWKS answers 403 still warms up (awslabs/aws-jwt-verify
 *   issue #279);
 * - a local emulator only on loopback or a host listed in the same option, never widening
 *   what a real pool trusts.
 *
 * Every refusal asserts its exact code; issuer refusals also assert that no JWKS was fetched
 * (the issuer is matched before any key lookup).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAppSyncAuthorizer, withAuth } from '@cognito-guard/appsync';
import {
  createVerifier,
  isAuthError,
  type JwksFetcher,
  requireGroups,
  type UserPoolConfig,
  type VerifierEvent,
} from '@cognito-guard/core';
import { cognitoAuth } from '@cognito-guard/express';
import { cognitoGuard } from '@cognito-guard/fastify';
import { createHttpApiAuthorizer, createRestTokenAuthorizer } from '@cognito-guard/lambda';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cognitoIdentity } from '../../packages/appsync/js/guard.js';
import { manualClock, rejectionCode } from './helpers.js';

const clock = manualClock();
const POOL_ID = 'us-east-1_FormsPool1';
let pool: TestIssuer;
/** Another pool of the same account. */
let other: TestIssuer;
/** The same pool id with keys of its own: stands in for a second JWKS host in key-binding tests. */
let decoy: TestIssuer;

beforeAll(async () => {
  [pool, other, decoy] = await Promise.all([
    createTestIssuer({ userPoolId: POOL_ID, clock: clock.now }),
    createTestIssuer({ userPoolId: 'us-east-1_OtherPool1', clock: clock.now }),
    createTestIssuer({ userPoolId: POOL_ID, clock: clock.now }),
  ]);
});

afterAll(async () => {
  await Promise.all([pool?.close(), other?.close(), decoy?.close()]);
});

type PoolOptions = Partial<Omit<UserPoolConfig<'access'>, 'tokenUse'>>;

/** A verifier of `pool`, every issuer form mapped to the test pool's own JWKS URIs. */
function verifierFor(config: PoolOptions = {}) {
  const events: VerifierEvent[] = [];
  const verifier = createVerifier({
    userPoolId: POOL_ID,
    clientId: pool.clientId,
    tokenUse: 'access',
    jwksUri: pool.jwksUriFor,
    clock: clock.now,
    cache: false,
    onEvent: (e) => events.push(e),
    ...config,
  } as Parameters<typeof createVerifier<'access'>>[0]);
  const fetched = () =>
    events.flatMap((e) => (e.type === 'jwks-fetch' || e.type === 'jwks-error' ? [e.jwksUri] : []));
  return { verifier, events, fetched };
}

const UPDATED = () => pool.issuerFor('updated');
const REPLICA = () => pool.issuerFor({ replicaRegion: 'us-west-2' });

describe('issuer forms', () => {
  it('accepts the original form, the updated form and a configured replica Region, each with keys from its own JWKS URI', async () => {
    const { verifier, fetched } = verifierFor({ replicaRegions: ['us-west-2'] });
    for (const form of ['original', 'updated', { replicaRegion: 'us-west-2' }] as const) {
      const auth = await verifier.verify(await pool.mintAccessToken({ issuerForm: form }));
      expect(auth.userPoolId).toBe(POOL_ID);
      expect(auth.claims.iss).toBe(pool.issuerFor(form));
    }
    expect(fetched()).toEqual([
      pool.jwksUriFor(pool.issuer),
      pool.jwksUriFor(UPDATED()),
      pool.jwksUriFor(REPLICA()),
    ]);
    expect(new Set(fetched()).size).toBe(3);
  });

  it('lists every trusted issuer with its JWKS URI, and trusts both forms by default', () => {
    const { verifier } = verifierFor();
    expect(verifier.userPools[0]!.issuers.map((i) => [i.kind, i.issuer, i.warm])).toEqual([
      ['original', pool.issuer, true],
      ['updated', UPDATED(), false],
    ]);
    expect(verifier.userPools[0]!.issuer).toBe(pool.issuer);
  });

  it('issuer "original" refuses the updated form with ISSUER, without fetching', async () => {
    const { verifier, fetched } = verifierFor({ issuer: 'original' });
    const token = await pool.mintAccessToken({ issuerForm: 'updated' });
    expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    expect(fetched()).toEqual([]);
  });

  it('issuer "updated" refuses the original form with ISSUER, without fetching', async () => {
    const { verifier, fetched } = verifierFor({ issuer: 'updated' });
    expect(await rejectionCode(verifier.verify(await pool.mintAccessToken()))).toBe('ISSUER');
    expect(fetched()).toEqual([]);
    const updated = await verifier.verify(await pool.mintAccessToken({ issuerForm: 'updated' }));
    expect(updated.claims.iss).toBe(UPDATED());
  });

  it('a test issuer created on the updated form signs tokens a string jwksUri verifies', async () => {
    const updated = await createTestIssuer({ issuerForm: 'updated', clock: clock.now });
    try {
      expect(updated.issuer).toBe(updated.issuerFor('updated'));
      const verifier = createVerifier({
        userPoolId: updated.userPoolId,
        clientId: updated.clientId,
        tokenUse: 'id',
        issuer: 'updated',
        jwksUri: updated.jwksUri,
        clock: clock.now,
      });
      expect((await verifier.verify(await updated.mintIdToken())).tokenUse).toBe('id');
    } finally {
      await updated.close();
    }
  });
});

describe('issuer forms: attacks', () => {
  const refusedIssuers: [string, () => string][] = [
    ['the updated issuer of another pool', () => other.issuerFor('updated')],
    ['the original issuer of another pool', () => other.issuer],
    [
      'a replica Region that is not configured',
      () => pool.issuerFor({ replicaRegion: 'eu-west-1' }),
    ],
    [
      'the updated form naming a replica Region (it always names the primary Region)',
      () => `https://issuer-cognito-idp.us-west-2.amazonaws.com/${POOL_ID}`,
    ],
    [
      'a look-alike host issuer-cognito-idp.us-east-1.amazonaws.com.evil.test',
      () => `https://issuer-cognito-idp.us-east-1.amazonaws.com.evil.test/${POOL_ID}`,
    ],
    [
      'a look-alike host cognito-idp.us-west-2.amazonaws.com.evil.test (replica)',
      () => `https://cognito-idp.us-west-2.amazonaws.com.evil.test/${POOL_ID}`,
    ],
    ['the updated form with a trailing slash', () => `${UPDATED()}/`],
    ['the replica form with a trailing slash', () => `${REPLICA()}/`],
    [
      'the updated form in upper case',
      () => UPDATED().replace('issuer-cognito-idp', 'ISSUER-COGNITO-IDP'),
    ],
    [
      'the updated form in mixed case',
      () => UPDATED().replace('issuer-cognito-idp', 'Issuer-Cognito-Idp'),
    ],
    ['the replica Region in upper case', () => REPLICA().replace('us-west-2', 'US-WEST-2')],
    ['the updated form with an explicit :443', () => UPDATED().replace('.com/', '.com:443/')],
    [
      'the updated form with a trailing dot on the host',
      () => UPDATED().replace('.com/', '.com./'),
    ],
    ['the updated form over http', () => UPDATED().replace('https:', 'http:')],
    ['the updated form under another host', () => `https://evil.test/${UPDATED().slice(8)}`],
  ];

  it.each(refusedIssuers)(
    'iss is %s: answers ISSUER without fetching any JWKS',
    async (_n, iss) => {
      const { verifier, fetched } = verifierFor({ replicaRegions: ['us-west-2'] });
      const token = await pool.mintAccessToken({ claims: { iss: iss() } });
      expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
      expect(fetched()).toEqual([]);
    },
  );

  it('a token signed by another pool naming its updated issuer: answers ISSUER', async () => {
    const { verifier, fetched } = verifierFor();
    const token = await other.mintAccessToken({ issuerForm: 'updated' });
    expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    expect(fetched()).toEqual([]);
  });

  /** Original form keys from `pool`, updated form keys from `decoy` (same pool id). */
  const splitHosts = () =>
    verifierFor({
      jwksUri: (iss) => (iss === pool.issuer ? pool.jwksUriFor(iss) : decoy.jwksUriFor(iss)),
    });

  it('a key served under the original form, used for a token naming the updated form: answers KEY_NOT_FOUND', async () => {
    const { verifier, fetched } = splitHosts();
    // The original form's JWKS is cached first: its key must still not serve the other form.
    await verifier.verify(await pool.mintAccessToken());
    const token = await pool.mintAccessToken({ issuerForm: 'updated' });
    expect(await rejectionCode(verifier.verify(token))).toBe('KEY_NOT_FOUND');
    expect(fetched()).toEqual([pool.jwksUriFor(pool.issuer), decoy.jwksUriFor(UPDATED())]);
  });

  it('a key served under the updated form, used for a token naming the original form: answers KEY_NOT_FOUND', async () => {
    const { verifier } = splitHosts();
    await verifier.verify(await decoy.mintAccessToken({ issuerForm: 'updated' }));
    const token = await decoy.mintAccessToken();
    expect(await rejectionCode(verifier.verify(token))).toBe('KEY_NOT_FOUND');
  });

  it('the same kid served under both forms with different keys: each form uses its own key (SIGNATURE_INVALID)', async () => {
    const { verifier } = splitHosts();
    const [decoyKey] = decoy.jwks().keys;
    decoy.setJwks({ keys: [{ ...decoyKey, kid: pool.currentKid }] });
    try {
      await verifier.verify(await pool.mintAccessToken());
      const token = await pool.mintAccessToken({ issuerForm: 'updated' });
      expect(await rejectionCode(verifier.verify(token))).toBe('SIGNATURE_INVALID');
    } finally {
      decoy.setJwks(undefined);
    }
  });
});

describe('issuer forms: configuration', () => {
  const mistakes: [string, PoolOptions, RegExp][] = [
    ['an issuer URL in issuer', { issuer: 'http://localhost:9229/local_abc' as never }, /emulator/],
    ['a local pool id without emulator', { userPoolId: 'local_abc' }, /emulator/],
    [
      'a string jwksUri with issuer "either"',
      { issuer: 'either', jwksUri: 'https://k.test/j' },
      /function/,
    ],
    [
      'a string jwksUri with replicaRegions',
      { replicaRegions: ['us-west-2'], jwksUri: 'https://k.test/j' },
      /function/,
    ],
    [
      'replicaRegions with issuer "updated"',
      { issuer: 'updated', replicaRegions: ['us-west-2'] },
      /replicaRegions/,
    ],
    ['replicaRegions naming the pool Region', { replicaRegions: ['us-east-1'] }, /own Region/],
    [
      'replicaRegions naming a Region twice',
      { replicaRegions: ['us-west-2', 'us-west-2'] },
      /twice/,
    ],
    ['replicaRegions with a malformed Region', { replicaRegions: ['US-WEST-2'] }, /Regions/],
    ['replicaRegions as a string', { replicaRegions: 'us-west-2' as never }, /Regions/],
    [
      'a jwksUri function giving one URL to two issuers',
      { jwksUri: () => 'https://k.test/j' },
      /same URL/,
    ],
    [
      'a jwksUri function giving plain http off loopback',
      { jwksUri: (i) => `http://k.test/${i.length}` },
      /https/,
    ],
  ];

  it.each(mistakes)('%s: throws a TypeError at creation', (_n, config, message) => {
    expect(() => verifierFor(config)).toThrow(TypeError);
    expect(() => verifierFor(config)).toThrow(message);
  });

  it('the same pool configured twice, once as an emulator: throws a TypeError', () => {
    expect(() =>
      createVerifier({
        userPools: [
          { userPoolId: POOL_ID, clientId: null, tokenUse: 'access' },
          {
            userPoolId: POOL_ID,
            clientId: null,
            tokenUse: 'access',
            emulator: { issuer: `http://127.0.0.1:9229/${POOL_ID}` },
          },
        ],
      }),
    ).toThrow(/configured twice/);
  });
});

describe('hydrate() and issuer forms', () => {
  /** A fetcher standing in for Cognito's hosts: the updated form answers 403 (pool never opted in). */
  function cognitoHosts(updatedStatus: number) {
    const uris: string[] = [];
    const body = new TextEncoder().encode(JSON.stringify(pool.jwks()));
    const fetcher: JwksFetcher = async (uri) => {
      uris.push(uri);
      if (uri.startsWith('https://issuer-cognito-idp.') && updatedStatus !== 200) {
        return { status: updatedStatus, headers: {}, body: new TextEncoder().encode('Forbidden') };
      }
      return { status: 200, headers: { 'content-type': 'application/json' }, body };
    };
    return { uris, fetcher };
  }

  const real = (config: PoolOptions, fetcher: JwksFetcher) =>
    createVerifier({
      userPoolId: POOL_ID,
      clientId: pool.clientId,
      tokenUse: 'access',
      clock: clock.now,
      jwks: { fetcher },
      ...config,
    } as Parameters<typeof createVerifier<'access'>>[0]);

  it('succeeds for a pool on the original form while the updated form answers 403', async () => {
    const { uris, fetcher } = cognitoHosts(403);
    const verifier = real({}, fetcher);
    await expect(verifier.hydrate()).resolves.toBeUndefined();
    expect(uris).toEqual([`${pool.issuer}/.well-known/jwks.json`]);
    // Warmed: the pool's token verifies without another fetch.
    expect((await verifier.verify(await pool.mintAccessToken())).userPoolId).toBe(POOL_ID);
    expect(uris).toHaveLength(1);
  });

  it('succeeds over real HTTP while the JWKS host of the updated form answers 403, and never asks it', async () => {
    const forbidden = await createTestIssuer({ userPoolId: POOL_ID, clock: clock.now });
    try {
      forbidden.misbehave({ kind: 'status', status: 403, body: 'Forbidden' });
      const { verifier, fetched } = verifierFor({
        jwksUri: (iss) => (iss === pool.issuer ? pool.jwksUriFor(iss) : forbidden.jwksUriFor(iss)),
      });
      await expect(verifier.hydrate()).resolves.toBeUndefined();
      expect(fetched()).toEqual([pool.jwksUriFor(pool.issuer)]);
      expect(forbidden.requestCount).toBe(0);
    } finally {
      await forbidden.close();
    }
  });

  it('warms the configured replica Regions and not the updated form', async () => {
    const { uris, fetcher } = cognitoHosts(403);
    await real({ replicaRegions: ['us-west-2', 'eu-west-1'] }, fetcher).hydrate();
    expect(uris.sort()).toEqual(
      [pool.issuer, REPLICA(), pool.issuerFor({ replicaRegion: 'eu-west-1' })]
        .map((i) => `${i}/.well-known/jwks.json`)
        .sort(),
    );
  });

  it('fetches the updated form lazily, once a token names it', async () => {
    const { uris, fetcher } = cognitoHosts(200);
    const verifier = real({}, fetcher);
    await verifier.hydrate();
    await verifier.verify(await pool.mintAccessToken({ issuerForm: 'updated' }));
    expect(uris).toEqual([
      `${pool.issuer}/.well-known/jwks.json`,
      `${UPDATED()}/.well-known/jwks.json`,
    ]);
  });

  it('with issuer "updated", warms only the updated form and reports its failure (JWKS_UNAVAILABLE)', async () => {
    const { uris, fetcher } = cognitoHosts(403);
    expect(await rejectionCode(real({ issuer: 'updated' }, fetcher).hydrate())).toBe(
      'JWKS_UNAVAILABLE',
    );
    expect(uris).toEqual([`${UPDATED()}/.well-known/jwks.json`]);
  });
});

describe('emulator option', () => {
  const emulatorIssuer = () => `${new URL(pool.jwksUri).origin}/local_abc`;
  const emulatorVerifier = (extra: Record<string, unknown> = {}) => {
    const events: VerifierEvent[] = [];
    const verifier = createVerifier({
      userPoolId: 'local_abc',
      clientId: pool.clientId,
      tokenUse: 'access',
      emulator: { issuer: emulatorIssuer(), jwksUri: pool.jwksUri },
      clock: clock.now,
      onEvent: (e) => events.push(e),
      ...extra,
    });
    return { verifier, events };
  };

  it('accepts a loopback emulator issuer and a local_abc pool id, with a warning event at creation', async () => {
    const { verifier, events } = emulatorVerifier();
    expect(events[0]).toEqual({
      type: 'emulator-issuer',
      userPoolId: 'local_abc',
      issuer: emulatorIssuer(),
      jwksUri: pool.jwksUri,
    });
    const auth = await verifier.verify(
      await pool.mintAccessToken({ claims: { iss: emulatorIssuer() } }),
    );
    expect(auth.userPoolId).toBe('local_abc');
  });

  it('the emulator issuer with a trailing slash: answers ISSUER', async () => {
    const token = await pool.mintAccessToken({ claims: { iss: `${emulatorIssuer()}/` } });
    expect(await rejectionCode(emulatorVerifier().verifier.verify(token))).toBe('ISSUER');
  });

  it('a real pool configured as an emulator trusts no AWS issuer form (ISSUER)', async () => {
    const verifier = createVerifier({
      userPoolId: POOL_ID,
      clientId: pool.clientId,
      tokenUse: 'access',
      emulator: { issuer: `${new URL(pool.jwksUri).origin}/${POOL_ID}`, jwksUri: pool.jwksUri },
      clock: clock.now,
    });
    for (const form of ['original', 'updated'] as const) {
      const token = await pool.mintAccessToken({ issuerForm: form });
      expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    }
  });

  it('an emulator pool next to a real pool does not widen the real one (ISSUER)', async () => {
    const verifier = createVerifier({
      userPools: [
        { userPoolId: POOL_ID, clientId: pool.clientId, tokenUse: 'access', jwksUri: pool.jwksUri },
        {
          userPoolId: 'local_abc',
          clientId: pool.clientId,
          tokenUse: 'access',
          emulator: { issuer: emulatorIssuer(), jwksUri: pool.jwksUri },
        },
      ],
      clock: clock.now,
    });
    // The emulator's host with the real pool's id.
    const iss = `${new URL(pool.jwksUri).origin}/${POOL_ID}`;
    const token = await pool.mintAccessToken({ claims: { iss } });
    expect(await rejectionCode(verifier.verify(token))).toBe('ISSUER');
    expect((await verifier.verify(await pool.mintAccessToken())).userPoolId).toBe(POOL_ID);
  });

  const hosts: [string, Record<string, unknown>][] = [
    ['a remote host', { issuer: 'http://cognito.example.com/local_abc' }],
    [
      'localhost as a subdomain of another host',
      { issuer: 'http://localhost.evil.test/local_abc' },
    ],
    ['a 127.0.0.1 look-alike host', { issuer: 'http://127.0.0.1.evil.test/local_abc' }],
    ['0.0.0.0', { issuer: 'http://0.0.0.0:9229/local_abc' }],
    ['an IPv4-mapped IPv6 address', { issuer: 'http://[::ffff:127.0.0.1]:9229/local_abc' }],
    ['an Amazon host', { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/local_abc' }],
    [
      'a loopback issuer with a remote jwksUri',
      { issuer: 'http://localhost:9229/local_abc', jwksUri: 'http://evil.test/jwks.json' },
    ],
    [
      'a host not in allowedHosts',
      { issuer: 'http://localstack:4566/local_abc', allowedHosts: ['cognito-local'] },
    ],
    ['allowedHosts with a wildcard', { issuer: 'http://x.test/local_abc', allowedHosts: ['*'] }],
    [
      'allowedHosts with an Amazon host',
      {
        issuer: 'https://cognito-idp.us-east-1.amazonaws.com/local_abc',
        allowedHosts: ['cognito-idp.us-east-1.amazonaws.com'],
      },
    ],
    [
      'allowedHosts with a port',
      { issuer: 'http://localstack:4566/local_abc', allowedHosts: ['localstack:4566'] },
    ],
    ['a non-canonical issuer (trailing slash)', { issuer: 'http://localhost:9229/local_abc/' }],
    ['a non-canonical issuer (upper-case host)', { issuer: 'http://LOCALHOST:9229/local_abc' }],
    ['credentials in the issuer', { issuer: 'http://u:p@localhost:9229/local_abc' }],
    ['a file: issuer', { issuer: 'file:///tmp/local_abc' }],
  ];

  it.each(hosts)('%s: throws a TypeError at creation', (_n, emulator) => {
    expect(() =>
      createVerifier({
        userPoolId: 'local_abc',
        clientId: null,
        tokenUse: 'access',
        emulator: emulator as never,
      }),
    ).toThrow(TypeError);
  });

  it.each([
    ['issuer', { issuer: 'either' }],
    ['replicaRegions', { replicaRegions: ['us-west-2'] }],
    ['jwksUri', { jwksUri: 'http://localhost:9229/jwks.json' }],
  ])('emulator combined with %s: throws a TypeError at creation', (_n, extra) => {
    expect(() => emulatorVerifier(extra)).toThrow(/cannot be combined with emulator/);
  });

  it('accepts a host listed in allowedHosts, over plain http (a Docker Compose service)', () => {
    const verifier = createVerifier({
      userPoolId: 'us-east-1_abc123',
      clientId: null,
      tokenUse: 'access',
      emulator: { issuer: 'http://localstack:4566/us-east-1_abc123', allowedHosts: ['localstack'] },
    });
    expect(verifier.userPools[0]!.issuers).toEqual([
      {
        issuer: 'http://localstack:4566/us-east-1_abc123',
        jwksUri: 'http://localstack:4566/us-east-1_abc123/.well-known/jwks.json',
        kind: 'emulator',
        warm: true,
      },
    ]);
  });
});

describe('issuer forms through every adapter', () => {
  /** The same core configuration every adapter takes: both forms and a replica Region. */
  const config = () => ({
    userPoolId: POOL_ID,
    clientId: pool.clientId,
    tokenUse: 'access' as const,
    replicaRegions: ['us-west-2'],
    jwksUri: pool.jwksUriFor,
    clock: clock.now,
  });
  const forms = ['original', 'updated', { replicaRegion: 'us-west-2' }] as const;
  const servers: { close(): Promise<void> }[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  async function statusOf(base: string, token: string): Promise<number> {
    const res = await fetch(`${base}/admin`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.status;
  }

  it('Express and Fastify accept every form; another pool is 401', async () => {
    const app = express();
    app.use(cognitoAuth(config()));
    app.get('/admin', (_req, res) => {
      res.json({ ok: true });
    });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push({ close: () => new Promise((r) => server.close(() => r())) });
    const fastify = Fastify();
    await fastify.register(cognitoGuard, config());
    fastify.get('/admin', async () => ({ ok: true }));
    const fastifyBase = await fastify.listen({ port: 0, host: '127.0.0.1' });
    servers.push({ close: () => fastify.close() });
    const bases = [`http://127.0.0.1:${(server.address() as AddressInfo).port}`, fastifyBase];
    for (const base of bases) {
      for (const form of forms) {
        expect(await statusOf(base, await pool.mintAccessToken({ issuerForm: form }))).toBe(200);
      }
      expect(await statusOf(base, await other.mintAccessToken({ issuerForm: 'updated' }))).toBe(
        401,
      );
    }
  });

  it('the Lambda REST TOKEN and HTTP API authorizers allow every form', async () => {
    const rest = createRestTokenAuthorizer({ verifier: config() });
    const httpApi = createHttpApiAuthorizer({ verifier: config(), response: 'simple' });
    for (const form of forms) {
      const token = await pool.mintAccessToken({ issuerForm: form });
      const restResult = await rest({
        type: 'TOKEN',
        authorizationToken: `Bearer ${token}`,
        methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/orders',
      });
      expect(restResult.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
      const httpResult = (await httpApi({
        version: '2.0',
        type: 'REQUEST',
        routeArn: 'arn:aws:execute-api:us-east-1:123456789012:abc123/$default/GET/orders',
        routeKey: 'GET /orders',
        identitySource: [`Bearer ${token}`],
        headers: { authorization: `Bearer ${token}` },
        requestContext: { http: { method: 'GET', path: '/orders' } },
      } as never)) as { isAuthorized?: boolean };
      expect(httpResult.isAuthorized).toBe(true);
    }
  });

  it('the AppSync authorizer, withAuth and the APPSYNC_JS guard accept every form', async () => {
    const authorize = createAppSyncAuthorizer({ verifier: config() });
    const guarded = withAuth(requireGroups('admin'), async (_event, auth) => auth.userPoolId);
    for (const form of forms) {
      const token = await pool.mintAccessToken({ issuerForm: form, groups: ['admin'] });
      expect((await authorize({ authorizationToken: token })).isAuthorized).toBe(true);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
      const identity = {
        sub: claims.sub,
        issuer: claims.iss,
        username: claims.username,
        claims,
        sourceIp: ['203.0.113.7'],
        defaultAuthStrategy: 'ALLOW',
        groups: ['admin'],
      };
      const event = { arguments: {}, identity, info: { fieldName: 'f', parentTypeName: 'Query' } };
      expect(await guarded(event as never, {} as never)).toBe(POOL_ID);
      expect(cognitoIdentity({ identity })?.groups).toEqual(['admin']);
    }
  });

  it('rejects with AuthError, never a crash, for a look-alike host in every adapter path', async () => {
    const token = await pool.mintAccessToken({
      claims: { iss: `https://issuer-cognito-idp.us-east-1.amazonaws.com.evil.test/${POOL_ID}` },
    });
    const decisions: unknown[] = [];
    const authorize = createAppSyncAuthorizer({
      verifier: config(),
      onEvent: (d) => decisions.push(d),
    });
    expect((await authorize({ authorizationToken: token })).isAuthorized).toBe(false);
    expect(decisions.at(-1)).toMatchObject({ isAuthorized: false, code: 'ISSUER' });
    const err = await createVerifier(config())
      .verify(token)
      .catch((e: unknown) => e);
    expect(isAuthError(err) && err.code).toBe('ISSUER');
  });
});
