#!/usr/bin/env node
// Lints every publishable package as it would be published: publint (package.json `exports`,
// `files`, `types`) and @arethetypeswrong/cli (what TypeScript resolves under node16/nodenext
// and bundlers). Both pack the package first, so they see exactly the tarball's contents.
//
// attw runs with `--profile esm-only`: the packages are ESM only by design (`type: module`),
// `engines.node` >= 20.19 where `require()` of ESM works, so the node10 and "CJS importing
// ESM" resolutions attw reports for older setups do not apply.
//
// Usage: node test/packaging/check-packages.mjs   (the root `pnpm check:packages`)
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
export const PACKAGES = [
  'core',
  'testing',
  'express',
  'fastify',
  'lambda',
  'appsync',
  'revocation',
  'cdk',
  'nestjs',
  'hono',
  'middy',
  'cli',
];

async function check(name) {
  const dir = `packages/${name}`;
  const opts = { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };
  const out = [];
  let ok = true;
  for (const args of [
    ['exec', 'publint', '--strict', dir],
    ['exec', 'attw', '--pack', dir, '--profile', 'esm-only', '--format', 'table-flipped'],
  ]) {
    try {
      const { stdout } = await run('pnpm', args, opts);
      out.push(stdout.trim());
    } catch (err) {
      ok = false;
      out.push(`${String(err.stdout ?? '').trim()}\n${String(err.stderr ?? '').trim()}`);
    }
  }
  return { name, ok, out: out.join('\n') };
}

const results = await Promise.all(PACKAGES.map(check));
for (const r of results) {
  console.log(`== @cognito-guard/${r.name}: ${r.ok ? 'ok' : 'FAILED'}\n${r.out}\n`);
}
const failed = results.filter((r) => !r.ok).map((r) => r.name);
if (failed.length > 0) {
  console.error(`check:packages failed for: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`check:packages: ${results.length} packages pass publint and attw`);
