import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End to end: the example's authorizers (src/authorizers.mjs, importing the BUILT packages) run
 * under serverless 3.40.0 + serverless-offline 13.9.0 on 127.0.0.1, and real HTTP requests go
 * through REST TOKEN, REST REQUEST and HTTP API routes. The keys come from the testing kit's issuer
 * on 127.0.0.1.
 *
 * serverless-offline does not cache authorizer results, so caching itself is covered by the
 * unit tests (packages/lambda/test/cached-policy.test.ts), not here.
 */

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SERVERLESS = join(EXAMPLE, 'node_modules/.bin/serverless');
const TSC = join(ROOT, 'node_modules/.bin/tsc');
const READY_TIMEOUT_MS = 120_000;

let issuer: TestIssuer;
let child: ChildProcess | undefined;
let home: string | undefined;
let base: string;
let wsPort: number;
let output = '';

/** The log, with anything shaped like a JWT removed: tokens never reach a test report. */
function log(): string {
  return output.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<jwt>').slice(-4000);
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function waitForReady(process: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`serverless-offline was not ready after ${READY_TIMEOUT_MS} ms:\n${log()}`));
    }, READY_TIMEOUT_MS);
    const onData = () => {
      if (output.includes('Server ready')) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`serverless-offline exited (code ${code}) before it was ready:\n${log()}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      process.stdout?.off('data', onData);
      process.stderr?.off('data', onData);
      process.off('exit', onExit);
    };
    process.stdout?.on('data', onData);
    process.stderr?.on('data', onData);
    process.once('exit', onExit);
  });
}

beforeAll(async () => {
  // serverless-offline loads plain JS that imports @cognito-guard/lambda from its dist: build it
  // (incremental, so a no-op when CI already ran `pnpm build`). Never skip: fail loudly.
  const build = spawnSync(TSC, ['-b', 'packages/lambda'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) {
    throw new Error(
      `tsc -b packages/lambda failed:\n${build.stdout}${build.stderr}${build.error ?? ''}`,
    );
  }
  if (!existsSync(SERVERLESS)) {
    throw new Error(`serverless is not installed at ${SERVERLESS}: run pnpm install`);
  }

  issuer = await createTestIssuer();
  const [httpPort, lambdaPort, websocketPort, albPort] = (await freePorts(4)) as [
    number,
    number,
    number,
    number,
  ];
  base = `http://127.0.0.1:${httpPort}`;
  wsPort = websocketPort;
  // serverless v3 writes caches into HOME; keep them out of the real one.
  home = mkdtempSync(join(tmpdir(), 'cognito-guard-sls-home-'));
  child = spawn(
    SERVERLESS,
    [
      'offline',
      'start',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--websocketPort',
      String(websocketPort),
      '--albPort',
      String(albPort),
    ],
    {
      cwd: EXAMPLE,
      // Its own process group, so afterAll can stop serverless and every worker it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOME: home,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        USER_POOL_ID: issuer.userPoolId,
        CLIENT_ID: issuer.clientId,
        JWKS_URI: issuer.jwksUri,
      },
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitForReady(child);
}, READY_TIMEOUT_MS + 150_000);

afterAll(async () => {
  const running = child;
  if (running?.pid !== undefined && running.exitCode === null && running.signalCode === null) {
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    process.kill(-running.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      try {
        process.kill(-running.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  await issuer?.close();
}, 30_000);

async function call(method: string, path: string, token?: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(15_000),
  });
}

describe.each([
  ['REST TOKEN', '/rest/token'],
  ['REST REQUEST', '/rest/request'],
  ['HTTP API simple', '/http/simple'],
  ['HTTP API IAM', '/http/iam'],
])('%s authorizer under serverless-offline', (_, prefix) => {
  it('answers 200 for a good token, with sub as the principal', async () => {
    const token = await issuer.mintAccessToken({ username: 'reader' });
    const response = await call('GET', `${prefix}/orders`, token);
    expect(response.status, log()).toBe(200);
    const body = (await response.json()) as { principalId: string };
    const sub = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    expect(body.principalId).toBe(sub);
  });

  it('answers 401 without a token', async () => {
    expect((await call('GET', `${prefix}/orders`)).status).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -60 });
    expect((await call('GET', `${prefix}/orders`, token)).status).toBe(401);
  });

  it('answers 403 for a valid token without the admin group', async () => {
    const token = await issuer.mintAccessToken({ groups: ['staff'] });
    expect((await call('DELETE', `${prefix}/orders/o-1`, token)).status).toBe(403);
  });

  it('answers 200 on the same route for a member of the admin group', async () => {
    const token = await issuer.mintAccessToken({ groups: ['admin'] });
    expect((await call('DELETE', `${prefix}/orders/o-1`, token)).status, log()).toBe(200);
  });
});

describe('REST TOKEN scope rule under serverless-offline', () => {
  it('answers 403 without the orders/write scope and 200 with it', async () => {
    const reader = await issuer.mintAccessToken({ scopes: ['orders/read'] });
    expect((await call('POST', '/rest/token/orders', reader)).status).toBe(403);
    const writer = await issuer.mintAccessToken({ scopes: ['orders/write'] });
    expect((await call('POST', '/rest/token/orders', writer)).status).toBe(200);
  });
});

/** A WebSocket handshake: the status of the refusal, or 101 when the upgrade succeeds. */
function handshake(query: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: wsPort,
      path: `/${query}`,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('cognito-guard-16').toString('base64'),
      },
      timeout: 15_000,
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('handshake timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket $connect authorizer under serverless-offline', () => {
  it('upgrades for a token in the chat group', async () => {
    const token = await issuer.mintAccessToken({ groups: ['chat'] });
    expect(await handshake(`?token=${token}`), log()).toBe(101);
  });

  it('refuses the handshake with 403 without the chat group', async () => {
    const token = await issuer.mintAccessToken({ groups: ['staff'] });
    expect(await handshake(`?token=${token}`)).toBe(403);
  });

  it('refuses the handshake without a token', async () => {
    // AWS answers 401 for the thrown Unauthorized (apigateway-websocket-api-lambda-auth.md);
    // serverless-offline 13.9.0 answers any thrown error with 500. Either way: no upgrade.
    const status = await handshake('');
    expect(status).toBeGreaterThanOrEqual(400);
  });
});
