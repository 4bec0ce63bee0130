import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, it } from 'vitest';
import { cognitoClient, type Emulator, registerFlows, TIMEOUT_MS } from './emulator-flows.js';

/**
 * End to end against Cognito emulators: cognito-local (https://github.com/jagregory/cognito-local)
 * and moto's server mode (https://docs.getmoto.org/en/latest/docs/server_mode.html).
 *
 * cognito-local 5.3.0 runs in-process in "realistic mode": a seeded `us-east-1_…` pool and
 * `TokenConfig.IssuerDomain` = the real Cognito domain, so its tokens carry the production
 * issuer and the verifier keeps its production checks; only `jwksUri` points at loopback.
 * It keeps its state under `$CWD/.cognito`, read and written relative to the working directory
 * on every call, so this file works from a fresh temporary directory (vitest runs it in its own
 * forked process, where `process.chdir` is allowed) and goes back in `afterAll`.
 *
 * cognito-local also runs in its default mode (issuer `http://127.0.0.1:<port>/<poolId>`, pool
 * ids like `local_abc`), in a child process, trusted through the verifier's `emulator` option.
 *
 * moto_server (Python) runs the same flows when it is installed; when it is not, the moto
 * block is not registered at all and one line on stderr says so.
 */

// Quiet third-party notices a reader of the test log would wonder about, set before either SDK
// is loaded or constructed (this file runs in its own process): cognito-local loads the AWS SDK
// v2, which prints its end-of-support notice unless this variable exists
// (aws-sdk/lib/maintenance_mode_message.js), and the v3 client warns on Node < 22 that later
// releases will need Node 22 unless this one is "true"
// (@aws-sdk/core, emitWarningIfUnsupportedVersion). Neither changes what is tested.
process.env['AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE'] = '1';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

const SEEDED_POOL = 'us-east-1_E2eLocal1';

interface CognitoLocal {
  server: Server;
  dir: string;
  previousCwd: string;
}
let cognitoLocal: CognitoLocal | undefined;

async function startCognitoLocal(): Promise<Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-guard-e2e-'));
  mkdirSync(join(dir, '.cognito', 'db'), { recursive: true });
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({
      // Plain usernames instead of emails, the real issuer domain ("realistic mode"), and the
      // server bound to loopback on an ephemeral port.
      UserPoolDefaults: { UsernameAttributes: [] },
      TokenConfig: { IssuerDomain: 'https://cognito-idp.us-east-1.amazonaws.com' },
      ServerConfig: { hostname: '127.0.0.1', port: 0 },
    }),
  );
  // The file name is the pool id: a real-format id the verifier's pool-id check accepts.
  writeFileSync(
    join(dir, '.cognito', 'db', `${SEEDED_POOL}.json`),
    JSON.stringify({ Options: { Id: SEEDED_POOL, Name: 'e2e' }, Users: {}, Groups: {} }),
  );
  const previousCwd = process.cwd();
  process.chdir(dir);
  // Loaded here, not at the top: its config reads HOST/PORT when the module loads.
  process.env['HOST'] = '127.0.0.1';
  process.env['PORT'] = '0';
  const requireFromCl = createRequire(createRequire(import.meta.url).resolve('cognito-local'));
  const pino = requireFromCl('pino') as (options: { level: string }) => unknown;
  const { createDefaultServer } = requireFromCl('cognito-local') as {
    createDefaultServer(logger: unknown): Promise<{ start(): Promise<Server> }>;
  };
  const server = await (await createDefaultServer(pino({ level: 'silent' }))).start();
  cognitoLocal = { server, dir, previousCwd };
  const { address, port } = server.address() as AddressInfo;
  expect(address).toBe('127.0.0.1');
  return { endpoint: `http://127.0.0.1:${port}`, userPoolId: SEEDED_POOL };
}

afterAll(async () => {
  if (cognitoLocal === undefined) return;
  const { server, dir, previousCwd } = cognitoLocal;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  process.chdir(previousCwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('cognito-local (realistic mode)', () => {
  registerFlows('cognito-local', startCognitoLocal, 'KID_MISSING');
});

// ---- cognito-local, default mode -----------------------------------------------------------

/**
 * cognito-local as most users run it: no issuer configuration, so tokens name
 * `http://<HOST>:<PORT>/<poolId>` and pools get ids like `local_1L7VL2ll`. Its issuer is read
 * from HOST and PORT when the module loads, so it runs in a child process of its own (the
 * realistic block above already loaded the module here) on a free loopback port; only
 * `UserPoolDefaults` is configured, for plain usernames. The verifier trusts it through the
 * `emulator` option.
 */
let defaultMode: { child: ChildProcess; dir: string } | undefined;

async function startCognitoLocalDefault(): Promise<Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-guard-e2e-default-'));
  mkdirSync(join(dir, '.cognito'), { recursive: true });
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({ UserPoolDefaults: { UsernameAttributes: [] } }),
  );
  const port = await freePort();
  const start = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child = spawn(process.execPath, [start], {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
    stdio: 'ignore',
  });
  defaultMode = { child, dir };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null) throw err;
    }
    if (Date.now() > deadline) throw new Error('cognito-local (default mode) did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const client = cognitoClient(endpoint);
  try {
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: 'e2e' }), {
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const userPoolId = UserPool?.Id;
    if (userPoolId === undefined) throw new Error('cognito-local: no pool id');
    // The default mode's shapes: a `local_` pool id, and an issuer on the emulator's own host.
    expect(userPoolId).toMatch(/^local_[0-9A-Za-z]+$/);
    return { endpoint, userPoolId, emulatorIssuer: `${endpoint}/${userPoolId}` };
  } finally {
    client.destroy();
  }
}

afterAll(async () => {
  if (defaultMode === undefined) return;
  const { child, dir } = defaultMode;
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('cognito-local (default mode, through the emulator option)', () => {
  registerFlows('cognito-local default mode', startCognitoLocalDefault, 'KID_MISSING');
});

// ---- moto_server -------------------------------------------------------------------------

/** `moto_server` on PATH, answering `--help`: ENOENT (error set) when it is absent. */
function detectMoto(): boolean {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore', timeout: TIMEOUT_MS });
  return probe.error === undefined && probe.status === 0;
}
const hasMoto = detectMoto();
if (!hasMoto) {
  console.warn('moto_server not found on PATH: the moto_server end-to-end flows are not run');
}

describe('moto_server detection', () => {
  it('agrees with a second probe of PATH', () => {
    expect(detectMoto()).toBe(hasMoto);
  });
});

let moto: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startMoto(): Promise<Emulator> {
  const port = await freePort();
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      break;
    } catch (err) {
      if (Date.now() > deadline || moto.exitCode !== null) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const client = cognitoClient(endpoint);
  try {
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: 'e2e' }), {
      abortSignal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (UserPool?.Id === undefined) throw new Error('moto_server: no pool id');
    return { endpoint, userPoolId: UserPool.Id };
  } finally {
    client.destroy();
  }
}

afterAll(async () => {
  const child = moto;
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
});

if (hasMoto) {
  describe('moto_server', () => {
    registerFlows('moto_server', startMoto, 'MALFORMED');
  });
}
