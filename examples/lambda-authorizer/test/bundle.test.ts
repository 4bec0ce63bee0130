import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What template.yaml deploys: the esbuild bundle of src/authorizers.mjs. Built into a
 * temporary directory outside the workspace and imported by a fresh Node process there, so
 * nothing can resolve through the workspace's node_modules: the bundle stands alone.
 */

const EXAMPLE = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

let issuer: TestIssuer;
let outdir: string;

beforeAll(async () => {
  const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'packages/lambda'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0)
    throw new Error(`tsc -b packages/lambda failed:\n${build.stdout}${build.stderr}`);
  outdir = mkdtempSync(join(tmpdir(), 'cognito-guard-bundle-'));
  const bundle = spawnSync(process.execPath, [join(EXAMPLE, 'bundle.mjs'), outdir], {
    cwd: EXAMPLE,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (bundle.status !== 0) throw new Error(`bundle.mjs failed:\n${bundle.stdout}${bundle.stderr}`);
  issuer = await createTestIssuer();
}, 180_000);

afterAll(async () => {
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
  await issuer?.close();
});

/**
 * Runs `restToken` from the bundle in a fresh process, as Lambda would: env, import, invoke.
 * Asynchronous on purpose: the issuer serving the JWKS lives in this process.
 */
async function invoke(event: object): Promise<{ ok: boolean; value: unknown }> {
  const script = `
    const { restToken } = await import(${JSON.stringify(join(outdir, 'authorizers.mjs'))});
    try { console.log(JSON.stringify({ ok: true, value: await restToken(${JSON.stringify(event)}) })); }
    catch (err) { console.log(JSON.stringify({ ok: false, value: err.message })); }
  `;
  const run = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outdir,
    timeout: 30_000,
    env: {
      PATH: process.env.PATH,
      USER_POOL_ID: issuer.userPoolId,
      CLIENT_ID: issuer.clientId,
      JWKS_URI: issuer.jwksUri,
    },
  });
  let stdout = '';
  let stderr = '';
  run.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  run.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => run.once('close', resolve));
  if (code !== 0) throw new Error(`the bundle failed to run:\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the deployable bundle', () => {
  it('is one self-contained file of modest size', () => {
    const size = statSync(join(outdir, 'authorizers.mjs')).size;
    expect(size).toBeGreaterThan(0);
    expect(size).toBeLessThan(512 * 1024);
  });

  it('authorizes a REST TOKEN event on its own', async () => {
    const token = await issuer.mintAccessToken({ groups: ['admin'] });
    const methodArn =
      'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/DELETE/rest/token/orders/1';
    const result = await invoke({
      type: 'TOKEN',
      authorizationToken: `Bearer ${token}`,
      methodArn,
    });
    expect(result).toMatchObject({ ok: true });
    expect(result.value).toMatchObject({
      policyDocument: { Statement: [expect.objectContaining({ Effect: 'Allow' })] },
    });
  });

  it('throws exactly Unauthorized for a bad token', async () => {
    const methodArn =
      'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/rest/token/orders';
    expect(await invoke({ type: 'TOKEN', authorizationToken: 'Bearer x.y.z', methodArn })).toEqual({
      ok: false,
      value: 'Unauthorized',
    });
  });
});
