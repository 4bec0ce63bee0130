/** Build check, machine description and package versions for the report. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');

/** Workspace packages the bench imports, as built by `pnpm build` (tsc -b). */
const WORKSPACE = ['core', 'testing', 'express', 'fastify', 'lambda', 'revocation'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(
      newest,
      entry.isDirectory() ? newestMtime(full) : statSync(full, { bigint: false }).mtimeMs,
    );
  }
  return newest;
}

/**
 * The bench measures the built packages (what users install), not the sources. If a dist is
 * missing, build once with `pnpm -w build`; if one is older than its sources, say so.
 */
export function ensureBuilt(log) {
  const missing = WORKSPACE.filter(
    (name) => !existsSync(path.join(ROOT_DIR, 'packages', name, 'dist', 'index.js')),
  );
  if (missing.length > 0) {
    log(`dist missing for ${missing.join(', ')}: running \`pnpm -w build\` first`);
    const result = spawnSync('pnpm', ['-w', 'build'], { cwd: ROOT_DIR, stdio: 'inherit' });
    if (result.status !== 0) {
      throw new Error('`pnpm -w build` failed; the bench needs packages/*/dist (run `pnpm build`)');
    }
  }
  // tsc -b leaves unchanged outputs alone and touches its .tsbuildinfo, so compare the newest
  // file on each side.
  const stale = WORKSPACE.filter((name) => {
    const dir = path.join(ROOT_DIR, 'packages', name);
    return newestMtime(path.join(dir, 'src')) > newestMtime(path.join(dir, 'dist'));
  });
  if (stale.length > 0) {
    log(
      `warning: dist older than src for ${stale.join(', ')}; run \`pnpm build\` to bench the current code`,
    );
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Peers and tools, by the version actually installed under bench/node_modules. */
export const PACKAGES = [
  '@cognito-guard/core',
  '@cognito-guard/express',
  '@cognito-guard/fastify',
  '@cognito-guard/lambda',
  '@cognito-guard/testing',
  'aws-jwt-verify',
  'jose',
  'jsonwebtoken',
  'jwks-rsa',
  'fast-jwt',
  'get-jwks',
  'express-jwt',
  'express-oauth2-jwt-bearer',
  'fastify-jwt-jwks',
  'express',
  'fastify',
  'autocannon',
  'esbuild',
];

export function versions() {
  const out = {};
  for (const name of PACKAGES) {
    try {
      const file = path.join(BENCH_DIR, 'node_modules', name, 'package.json');
      out[name] = JSON.parse(readFileSync(file, 'utf8')).version;
    } catch {
      out[name] = 'not installed';
    }
  }
  return out;
}
