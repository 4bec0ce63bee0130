import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Cognito emulators for the sign-out tests: cognito-local 5.3.0
 * (https://github.com/jagregory/cognito-local) in this process, and moto's server mode
 * (https://docs.getmoto.org/en/latest/docs/server_mode.html) as a child process when it is on
 * PATH. Both listen on 127.0.0.1 on a free port and are stopped by `close()`.
 */

// Set before either SDK loads (each test file runs in its own process): cognito-local loads the
// AWS SDK v2, which prints its end-of-support notice unless this variable exists, and the v3
// client warns on Node < 22 unless the second is "true". Neither changes what is tested.
process.env['AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE'] = '1';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/** Every await on an emulator gets a deadline, so a wedged emulator fails the test, not CI. */
export const TIMEOUT_MS = 10_000;
export const PASSWORD = 'Passw0rd!signout';

export interface CognitoEmulator {
  /** `http://127.0.0.1:<port>`: the Cognito API and the pool's JWKS. */
  readonly endpoint: string;
  readonly userPoolId: string;
  /** The `iss` of the emulator's tokens. */
  readonly issuer: string;
  close(): Promise<void>;
}

export interface Tokens {
  readonly access: string;
  readonly id: string;
  readonly refresh: string;
}

export function cognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export const deadline = () => ({ abortSignal: AbortSignal.timeout(TIMEOUT_MS) });

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const SEEDED_POOL = 'us-east-1_SignOut01';

/**
 * cognito-local in "realistic mode" (the production issuer domain and a real-format pool id),
 * in this process. It keeps its state under `$CWD/.cognito`, so this changes the working
 * directory to a fresh temporary one until `close()`: call it once per test file (vitest runs
 * each file in its own forked process, where `process.chdir` is allowed).
 */
export async function startCognitoLocal(): Promise<CognitoEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-guard-signout-'));
  mkdirSync(join(dir, '.cognito', 'db'), { recursive: true });
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({
      UserPoolDefaults: { UsernameAttributes: [] },
      TokenConfig: { IssuerDomain: 'https://cognito-idp.us-east-1.amazonaws.com' },
      ServerConfig: { hostname: '127.0.0.1', port: 0 },
    }),
  );
  writeFileSync(
    join(dir, '.cognito', 'db', `${SEEDED_POOL}.json`),
    JSON.stringify({ Options: { Id: SEEDED_POOL, Name: 'sign-out' }, Users: {}, Groups: {} }),
  );
  const previousCwd = process.cwd();
  process.chdir(dir);
  let server: Server;
  try {
    // Loaded here, not at the top: its config reads HOST/PORT when the module loads.
    process.env['HOST'] = '127.0.0.1';
    process.env['PORT'] = '0';
    const requireFromCl = createRequire(createRequire(import.meta.url).resolve('cognito-local'));
    const pino = requireFromCl('pino') as (options: { level: string }) => unknown;
    const { createDefaultServer } = requireFromCl('cognito-local') as {
      createDefaultServer(logger: unknown): Promise<{ start(): Promise<Server> }>;
    };
    server = await (await createDefaultServer(pino({ level: 'silent' }))).start();
  } catch (err) {
    process.chdir(previousCwd);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    userPoolId: SEEDED_POOL,
    issuer: `https://cognito-idp.us-east-1.amazonaws.com/${SEEDED_POOL}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      process.chdir(previousCwd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `moto_server` on PATH and answering `--help` (ENOENT when it is absent). */
export function detectMoto(): boolean {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: TIMEOUT_MS });
  return probe.error === undefined && probe.status === 0;
}

/** moto_server on a free loopback port, with one user pool created through the API. */
export async function startMoto(): Promise<CognitoEmulator> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const until = Date.now() + TIMEOUT_MS;
    for (;;) {
      try {
        const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        break;
      } catch (err) {
        if (Date.now() > until || child.exitCode !== null) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const client = cognitoClient(endpoint);
    try {
      const { UserPool } = await client.send(
        new CreateUserPoolCommand({ PoolName: 'sign-out' }),
        deadline(),
      );
      const userPoolId = UserPool?.Id;
      if (userPoolId === undefined) throw new Error('moto_server: no pool id');
      return {
        endpoint,
        userPoolId,
        issuer: `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`,
        close: stop,
      };
    } finally {
      client.destroy();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Creates an app client that allows USER_PASSWORD_AUTH and refresh: its id. */
export async function createAppClient(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<string> {
  const out = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
    deadline(),
  );
  const clientId = out.UserPoolClient?.ClientId;
  if (clientId === undefined) throw new Error('no app client id');
  return clientId;
}

/** Creates a confirmed user with `PASSWORD`, as an administrator would. */
export async function createUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      TemporaryPassword: 'TempPassw0rd!',
      MessageAction: 'SUPPRESS',
    }),
    deadline(),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: PASSWORD,
      Permanent: true,
    }),
    deadline(),
  );
}

/** Signs in with USER_PASSWORD_AUTH. */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
): Promise<Tokens> {
  const out = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD },
    }),
    deadline(),
  );
  const r = out.AuthenticationResult;
  if (!r?.AccessToken || !r.IdToken || !r.RefreshToken) throw new Error('no tokens');
  return { access: r.AccessToken, id: r.IdToken, refresh: r.RefreshToken };
}

/**
 * Refreshes with REFRESH_TOKEN_AUTH: `'refreshed'`, or the name of the error Cognito answered
 * with (`NotAuthorizedException` once the refresh token is revoked or the user signed out).
 */
export async function tryRefresh(
  client: CognitoIdentityProviderClient,
  clientId: string,
  refreshToken: string,
): Promise<string> {
  try {
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
      deadline(),
    );
    return out.AuthenticationResult?.AccessToken === undefined ? 'no tokens' : 'refreshed';
  } catch (err) {
    return (err as { name?: string }).name ?? 'unknown';
  }
}
