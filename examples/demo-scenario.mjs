// The demo scenario both example APIs share: the testing kit's local issuer standing in for
// Cognito, the tokens it mints, the requests the demo prints as curl lines and the answers it
// expects. Each example supplies only how its framework listens (`listen`), in src/demo.mjs.
// `pnpm demo` (scripts/demo.mjs) drives it; each example's test/demo.test.ts runs the check.
import { createVerifier } from '@cognito-guard/core';
import { createTestIssuer } from '@cognito-guard/testing';

export const HOST = '127.0.0.1';

/**
 * The requests the demo shows and checks, in order (the deletes change the data).
 * `error` is the RFC 6750 error the answer must carry (`null`: a challenge without one).
 */
const REQUESTS = [
  { what: 'public, no token needed', method: 'GET', path: '/health', status: 200 },
  { what: 'no token', method: 'GET', path: '/orders', status: 401, error: null },
  {
    what: 'reader (group readers) lists',
    method: 'GET',
    path: '/orders',
    token: 'READER',
    status: 200,
  },
  { what: 'reader shows its claims', method: 'GET', path: '/me', token: 'READER', status: 200 },
  {
    what: 'reader may not create',
    method: 'POST',
    path: '/orders',
    token: 'READER',
    body: { item: 'stapler', quantity: 1 },
    status: 403,
    error: 'insufficient_scope',
  },
  {
    what: 'writer (scope orders/write) creates',
    method: 'POST',
    path: '/orders',
    token: 'WRITER',
    body: { item: 'stapler', quantity: 1 },
    status: 201,
  },
  {
    what: 'writer may not delete',
    method: 'DELETE',
    path: '/orders/1',
    token: 'WRITER',
    status: 403,
    error: 'insufficient_scope',
  },
  {
    what: 'admin deletes (404 once gone)',
    method: 'DELETE',
    path: '/orders/1',
    token: 'ADMIN',
    status: 204,
  },
  {
    what: 'expired token',
    method: 'GET',
    path: '/orders',
    token: 'EXPIRED',
    status: 401,
    error: 'invalid_token',
  },
  {
    what: 'token from another pool',
    method: 'GET',
    path: '/orders',
    token: 'OTHER_POOL',
    status: 401,
    error: 'invalid_token',
  },
];

/** With a revocation list (the Express example): a user signs out, and the token is refused. */
const SIGN_OUT_REQUESTS = [
  {
    what: 'leaver signs out everywhere (Cognito + revocation list)',
    method: 'POST',
    path: '/sign-out',
    token: 'LEAVER',
    status: 204,
  },
  {
    what: 'the signed-out token is refused at once',
    method: 'GET',
    path: '/me',
    token: 'LEAVER',
    status: 401,
    error: 'invalid_token',
  },
];

/**
 * Starts a local pool, a second pool the API does not trust, and the API.
 * @param {{ listen: (verifier: object, port: number, revocations?: object) => Promise<{ port: number, close: () => Promise<void> }>, port?: number, revocations?: () => { isRevoked: Function, close: () => Promise<void> } }} options
 *   `listen` starts the example's app with the verifier (and the revocation list, if any);
 *   `port` 0 (the default) picks a free one; `revocations` creates the list the verifier checks.
 */
async function startDemo({ listen, port = 0, revocations: createList }) {
  const pool = await createTestIssuer({ userPoolId: 'us-east-1_DemoPool1' });
  const otherPool = await createTestIssuer({ userPoolId: 'eu-west-1_OtherPool' });
  const revocations = createList?.();
  let server;
  try {
    // Exactly what a real deployment configures, plus jwksUri pointing at the local issuer.
    const verifier = createVerifier({
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      tokenUse: 'access',
      jwksUri: pool.jwksUri,
      ...(revocations === undefined ? {} : { isRevoked: revocations.isRevoked }),
    });
    server = await listen(verifier, port, revocations);
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      READER: await pool.mintAccessToken({ username: 'riley', groups: ['readers'] }),
      WRITER: await pool.mintClientCredentialsToken({ scopes: ['orders/read', 'orders/write'] }),
      ADMIN: await pool.mintAccessToken({
        username: 'ada',
        groups: ['admin', 'readers'],
        scopes: ['orders/read', 'orders/write'],
      }),
      EXPIRED: await pool.mintAccessToken({
        username: 'riley',
        groups: ['readers'],
        issuedAt: now - 7200,
        expiresIn: 3600,
      }),
      OTHER_POOL: await otherPool.mintAccessToken({ username: 'ada', groups: ['admin'] }),
    };
    if (revocations !== undefined) {
      tokens.LEAVER = await pool.mintAccessToken({ username: 'lee', groups: ['readers'] });
    }
    return {
      url: `http://${HOST}:${server.port}`,
      userPoolId: pool.userPoolId,
      tokens,
      requests: revocations === undefined ? REQUESTS : [...REQUESTS, ...SIGN_OUT_REQUESTS],
      async close() {
        await server.close();
        await revocations?.close();
        await pool.close();
        await otherPool.close();
      },
    };
  } catch (err) {
    await server?.close();
    await revocations?.close();
    await pool.close();
    await otherPool.close();
    throw err;
  }
}

const expectation = (request) =>
  request.error === undefined
    ? `${request.status}`
    : `${request.status} ${request.error ?? '(no error attribute)'}`;

/** The ready-to-paste shell lines: one export per token, one curl per request. */
function describeDemo(demo, adapter) {
  const lines = [
    `Orders API on ${demo.url}, protected by ${adapter}.`,
    `A local issuer stands in for Cognito pool ${demo.userPoolId}; tokens are valid for an hour.`,
    '',
    '# Tokens (paste into your shell):',
    ...Object.entries(demo.tokens).map(([name, token]) => `export ${name}='${token}'`),
    '',
    '# Requests, each with the answer it should get:',
  ];
  for (const request of demo.requests) {
    const parts = ['curl -i'];
    if (request.method !== 'GET') parts.push(`-X ${request.method}`);
    parts.push(`${demo.url}${request.path}`);
    if (request.token !== undefined) parts.push(`-H "Authorization: Bearer $${request.token}"`);
    if (request.body !== undefined) {
      parts.push(`-H 'Content-Type: application/json' -d '${JSON.stringify(request.body)}'`);
    }
    lines.push(`# ${request.what}: expect ${expectation(request)}`, parts.join(' '));
  }
  return lines;
}

/** Sends every request and compares the answers; resolves to one result per request. */
async function checkDemo(demo) {
  const results = [];
  for (const request of demo.requests) {
    const headers = {};
    if (request.token !== undefined) headers.authorization = `Bearer ${demo.tokens[request.token]}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${demo.url}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await response.text();
    let error;
    if (request.error !== undefined) {
      // RFC 6750 §3: the error is in the challenge; no error attribute without credentials.
      const challenge = response.headers.get('www-authenticate') ?? '';
      error =
        /error="([^"]*)"/.exec(challenge)?.[1] ??
        (challenge.startsWith('Bearer ') ? null : undefined);
    }
    const ok = response.status === request.status && error === request.error;
    const got =
      request.error === undefined
        ? `${response.status}`
        : `${response.status} ${error ?? '(no error attribute)'}`;
    results.push({ request, ok, got, text });
  }
  return results;
}

/**
 * The demo command for one example. With `check`, it runs every request, prints one line each
 * and resolves to the exit code (0 only if every answer is the expected one). Without, it
 * prints the curl lines and resolves to the running demo; the caller closes it.
 * @param {{ adapter: string, listen: (verifier: object, port: number, revocations?: object) => Promise<{ port: number, close: () => Promise<void> }>, revocations?: () => object }} example
 *   `revocations`, when the example has a sign-out route: creates the revocation list.
 */
export function createDemoRunner({ adapter, listen, revocations }) {
  /** @param {{ check?: boolean, port?: number, write?: (line: string) => void }} [options] */
  return async function runDemo({
    check = false,
    port = check ? 0 : 3000,
    write = console.log,
  } = {}) {
    const demo = await startDemo({ listen, port, revocations });
    if (!check) {
      for (const line of describeDemo(demo, adapter)) write(line);
      write('');
      write('Ctrl-C stops the API and the local issuer.');
      return { demo, exitCode: undefined };
    }
    try {
      const results = await checkDemo(demo);
      for (const { request, ok, got } of results) {
        const who = request.token === undefined ? 'no token' : request.token;
        write(
          `${ok ? 'ok  ' : 'FAIL'} ${request.method} ${request.path} (${who}): expected ${expectation(request)}, got ${got}`,
        );
      }
      const passed = results.filter((r) => r.ok).length;
      write(`demo check: ${passed}/${results.length} answers as expected`);
      return { demo: undefined, exitCode: passed === results.length ? 0 : 1 };
    } finally {
      await demo.close();
    }
  };
}
