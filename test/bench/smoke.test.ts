import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The benchmark harness in its quickest mode, for correctness only: `bench/run.mjs --smoke`
 * builds every verifier, HTTP server and Lambda bundle `pnpm bench` measures and checks that
 * each accepts a valid token and rejects expired, wrong-signature and wrong-pool ones. No
 * timings are asserted and autocannon is never started. The harness runs the built packages
 * (CI builds before testing), in its own processes, as `pnpm bench` does.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

interface SmokeReport {
  readonly checked: readonly string[];
  readonly failures: readonly string[];
  readonly lambdaEntry: string;
}

function runSmoke(): Promise<SmokeReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bench/run.mjs', '--smoke'],
      { cwd: root, timeout: 60_000, maxBuffer: 1024 * 1024 },
      (err, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() ?? '';
        if (err) {
          reject(new Error(`bench --smoke failed: ${err.message}\n${stderr.slice(-2000)}`));
          return;
        }
        resolve(JSON.parse(last) as SmokeReport);
      },
    );
  });
}

const VERIFIERS = [
  'crypto',
  'ours',
  'ours-nocache',
  'aws-jwt-verify',
  'jose',
  'jsonwebtoken',
  'fast-jwt',
  'fast-jwt-cache',
];
const AUTH_SERVERS = [
  'express-ours',
  'express-aws',
  'express-jwt',
  'express-oauth2',
  'fastify-ours',
  'fastify-aws',
  'fastify-jwt-jwks',
];

describe('bench harness (smoke)', () => {
  it('accepts the valid token and rejects expired, bad-signature and wrong-pool tokens with every peer', async () => {
    const report = await runSmoke();

    expect(report.failures).toEqual([]);
    for (const id of VERIFIERS) {
      for (const name of ['valid', 'expired', 'badSignature', 'wrongPool']) {
        expect(report.checked).toContain(`${id}/${name}`);
      }
    }
    for (const id of AUTH_SERVERS) {
      for (const name of ['valid', 'missing', 'expired', 'badSignature', 'wrongPool']) {
        expect(report.checked).toContain(`${id}/${name}`);
      }
    }
    for (const id of ['express-none', 'fastify-none']) {
      expect(report.checked).toContain(`${id}/valid`);
    }
    for (const id of ['lambda-ours', 'lambda-aws-jwt-verify']) {
      expect(report.checked).toContain(`${id}/wrongPool`);
    }
  }, 90_000);
});
