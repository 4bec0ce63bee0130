import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../src/index.js';

let issuer: TestIssuer;
/** A loopback proxy in front of the issuer's JWKS that records every request it receives. */
let proxy: Server;
let proxyUri: string;
const seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_CliInspect' });
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      get(issuer.jwksUri, (upstream) => {
        res.writeHead(upstream.statusCode ?? 502, { 'content-type': 'application/json' });
        upstream.pipe(res);
      }).on('error', () => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUri = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await issuer?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const input = Object.assign(Readable.from([stdin]), { isTTY: false });
  const code = await runCli(args, {
    stdin: input,
    stdout: {
      write: (t: string) => {
        stdout += t;
      },
    },
    stderr: {
      write: (t: string) => {
        stderr += t;
      },
    },
  });
  return { code, stdout, stderr };
}

const base = () => [
  '--user-pool-id',
  issuer.userPoolId,
  '--client-id',
  issuer.clientId,
  '--token-use',
  'access',
  '--jwks-uri',
  proxyUri,
];

interface Report {
  accepted: boolean;
  code?: string;
  checks: { name: string; outcome: string; code?: string }[];
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

/** Inspects `token` as JSON; checks it is never echoed (signature) nor sent with the JWKS request. */
async function inspect(token: string, extra: string[] = []): Promise<{ run: Run; report: Report }> {
  const before = seen.length;
  const run = await cli(['inspect', token, ...base(), ...extra, '--json']);
  const signature = token.split('.')[2] ?? '';
  if (signature.length > 8) expect(run.stdout + run.stderr).not.toContain(signature);
  expect(run.stdout).not.toContain(token);
  for (const request of seen.slice(before)) {
    const sent = JSON.stringify(request);
    for (const part of token.split('.').filter((p) => p.length > 8))
      expect(sent).not.toContain(part);
  }
  return { run, report: JSON.parse(run.stdout) as Report };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

async function expectRefusal(token: string, code: string, check: string, extra: string[] = []) {
  const { run, report } = await inspect(token, extra);
  expect(run.code).toBe(EXIT.refused);
  expect(report.accepted).toBe(false);
  expect(report.code).toBe(code);
  expect(report.checks.find((c) => c.name === check)).toMatchObject({ outcome: 'fail', code });
}

describe('cognito-guard inspect', () => {
  it('accepts a valid token: every check passes, exit 0', async () => {
    const token = await issuer.mintAccessToken({ sub: 'valid-sub' });
    const { run, report } = await inspect(token);
    expect(run.code).toBe(EXIT.accepted);
    expect(report.accepted).toBe(true);
    expect(report.checks.map((c) => c.outcome)).toEqual(report.checks.map(() => 'pass'));
    expect(report.checks.map((c) => c.name)).toEqual([
      'size',
      'format',
      'header',
      'payload',
      'issuer',
      'key',
      'signature',
      'claim-types',
      'token-use',
      'client-id',
      'time',
    ]);
    expect(report.claims?.sub).toBe('valid-sub');
    expect(report.header?.kid).toBe(issuer.currentKid);
  });

  it('fetches only the JWKS, and no request carries the token (token leak)', async () => {
    const token = await issuer.mintAccessToken();
    const before = seen.length;
    await inspect(token);
    const requests = seen.slice(before);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    for (const r of requests) {
      expect(r.url).toBe('/jwks.json');
      expect(r.body).toBe('');
      expect(r.headers.authorization).toBeUndefined();
    }
  });

  it('reads the token from standard input with - or without an argument, and prints text', async () => {
    const token = await issuer.mintAccessToken({ sub: 'stdin-sub' });
    for (const args of [
      ['inspect', '-', ...base()],
      ['inspect', ...base()],
    ]) {
      const run = await cli(args, `Bearer ${token}\n`);
      expect(run.code).toBe(EXIT.accepted);
      expect(run.stdout).toContain('PASS  signature');
      expect(run.stdout).toContain('Verdict: ACCEPTED');
      expect(run.stdout).toContain('stdin-sub');
      expect(run.stdout).not.toContain(token.split('.')[2]!);
    }
  });

  it('prints the failing check with its code and reason in text mode', async () => {
    const token = await issuer.mintAccessToken({ expiresIn: -3600 });
    const run = await cli(['inspect', token, ...base()]);
    expect(run.code).toBe(EXIT.refused);
    expect(run.stdout).toMatch(/FAIL {2}time +EXPIRED: /);
    expect(run.stdout).toContain('Verdict: REFUSED EXPIRED');
    expect(run.stdout).toContain('Claims (NOT verified)');
    expect(run.stdout).not.toContain(token.split('.')[2]!);
  });

  it('refuses a malformed token (malformed)', async () => {
    await expectRefusal('not-a-jwt', 'MALFORMED', 'format');
  });

  it('refuses alg none and HS256 (algorithm confusion)', async () => {
    const claims = claimsOf(await issuer.mintAccessToken());
    await expectRefusal(
      await issuer.sign(claims, { header: { alg: 'HS256' } }),
      'ALG_NOT_ALLOWED',
      'header',
    );
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    await expectRefusal(none, 'ALG_NOT_ALLOWED', 'header');
  });

  it('refuses a token without a kid (kid)', async () => {
    const claims = claimsOf(await issuer.mintAccessToken());
    await expectRefusal(
      await issuer.sign(claims, { header: { kid: undefined } }),
      'KID_MISSING',
      'header',
    );
  });

  it('refuses a token whose kid is not in the JWKS (key)', async () => {
    const claims = claimsOf(await issuer.mintAccessToken());
    await expectRefusal(
      await issuer.sign(claims, { header: { kid: 'no-such-kid' } }),
      'KEY_NOT_FOUND',
      'key',
    );
  });

  it('refuses a token with another signature (signature forgery)', async () => {
    const a = await issuer.mintAccessToken({ sub: 'a' });
    const b = await issuer.mintAccessToken({ sub: 'b' });
    const forged = `${a.split('.').slice(0, 2).join('.')}.${b.split('.')[2]}`;
    await expectRefusal(forged, 'SIGNATURE_INVALID', 'signature');
  });

  it('refuses a token from another issuer (issuer)', async () => {
    const claims = claimsOf(await issuer.mintAccessToken());
    const token = await issuer.sign({
      ...claims,
      iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other',
    });
    await expectRefusal(token, 'ISSUER', 'issuer');
  });

  it('refuses an id token where access tokens are expected (token_use)', async () => {
    await expectRefusal(await issuer.mintIdToken(), 'TOKEN_USE', 'token-use');
  });

  it('refuses a token issued to another client (client_id)', async () => {
    const token = await issuer.mintAccessToken();
    const { run, report } = await inspect(token, ['--client-id', 'x']);
    // Two --client-id values: the token's client is allowed, so it passes.
    expect(run.code).toBe(EXIT.accepted);
    expect(report.accepted).toBe(true);
    const other = await cli([
      'inspect',
      token,
      ...base().slice(0, 2),
      '--client-id',
      'otherclient',
      '--token-use',
      'access',
      '--jwks-uri',
      proxyUri,
      '--json',
    ]);
    const r = JSON.parse(other.stdout) as Report;
    expect(other.code).toBe(EXIT.refused);
    expect(r.code).toBe('CLIENT_ID');
    expect(r.checks.find((c) => c.name === 'client-id')).toMatchObject({ outcome: 'fail' });
  });

  it('refuses an expired token (expired)', async () => {
    await expectRefusal(await issuer.mintAccessToken({ expiresIn: -3600 }), 'EXPIRED', 'time');
  });

  it('refuses a token that lives longer than a day (lifetime)', async () => {
    await expectRefusal(
      await issuer.mintAccessToken({ expiresIn: 3 * 86_400 }),
      'LIFETIME',
      'time',
    );
  });

  it('refuses a claim of the wrong type (claim types)', async () => {
    const claims = claimsOf(await issuer.mintAccessToken());
    await expectRefusal(
      await issuer.sign({ ...claims, exp: String(claims.exp) }),
      'CLAIM_TYPE',
      'claim-types',
    );
  });

  it('answers a usage error with exit 2 and never reads a terminal', async () => {
    expect((await cli(['inspect', 'x'])).code).toBe(EXIT.usage);
    expect((await cli(['inspect', 'x', ...base(), '--bogus'])).code).toBe(EXIT.usage);
    expect((await cli(['decode', 'x', ...base()])).code).toBe(EXIT.usage);
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    let stderr = '';
    const code = await runCli(['inspect', ...base()], {
      stdin,
      stdout: { write: () => true },
      stderr: {
        write: (t: string) => {
          stderr += t;
        },
      },
    });
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('pipe it to standard input');
  });

  it('refuses a JWKS URI that core refuses (plain HTTP off loopback)', async () => {
    const token = await issuer.mintAccessToken();
    const run = await cli([
      'inspect',
      token,
      ...base().slice(0, 6),
      '--jwks-uri',
      'http://example.com/jwks.json',
    ]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stdout).toBe('');
  });
});
