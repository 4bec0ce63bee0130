#!/usr/bin/env node
/**
 * `pnpm bench`: cognito-guard against its peers, side by side in one run, on the same
 * RSA-2048 Cognito tokens from the testing kit, with the JWKS served over HTTPS on 127.0.0.1.
 *
 *   pnpm bench            full run (about 10 minutes), writes bench/RESULTS.md
 *   pnpm bench --quick    reduced set (under 2 minutes), writes bench/RESULTS.quick.md
 *   pnpm bench --smoke    correctness only, no timings, no autocannon (CI: test/bench)
 *   --only=verify,reject,http,cold,herd,memory,lambda,revocation   run some sections
 *   pnpm bench --render   re-render RESULTS.md from RESULTS.json (report wording only)
 *   --servers=express-none,express-ours --http-rounds=5   (development) some HTTP servers only
 *
 * The orchestrator (this process) hosts the test issuer and mints every token; measurements
 * run in child processes it starts and always kills. Tokens travel over IPC, never through
 * argv, files or output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killAllChildren } from './lib/rpc.mjs';
import { BENCH_DIR, ensureBuilt, machine, versions } from './lib/setup.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const smoke = args.includes('--smoke');

const onlyArg = args.find((a) => a.startsWith('--only='));
// Development aids: measure some HTTP servers only, with more rounds.
const serversArg = args.find((a) => a.startsWith('--servers='));
const roundsArg = args.find((a) => a.startsWith('--http-rounds='));
const ALL_SECTIONS = ['verify', 'reject', 'http', 'cold', 'herd', 'memory', 'lambda', 'revocation'];
const sections = onlyArg ? onlyArg.slice('--only='.length).split(',') : ALL_SECTIONS;
for (const s of sections) {
  if (!ALL_SECTIONS.includes(s)) {
    console.error(`unknown section ${s}; sections: ${ALL_SECTIONS.join(', ')}`);
    process.exit(2);
  }
}

// Re-renders RESULTS.md from the figures RESULTS.json holds (after a change to the report's
// wording), measuring nothing.
if (args.includes('--render')) {
  const { renderReport } = await import('./lib/report.mjs');
  const { BENCH_DIR: dir } = await import('./lib/setup.mjs');
  const results = JSON.parse(readFileSync(path.join(dir, 'RESULTS.json'), 'utf8'));
  writeFileSync(path.join(dir, 'RESULTS.md'), renderReport(results, { sections: ALL_SECTIONS }));
  process.exit(0);
}

const started = Date.now();
const log = (message) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
};

let tmpDir;
let cleaningUp = false;
const closers = [];
async function cleanup() {
  if (cleaningUp) return;
  cleaningUp = true;
  killAllChildren();
  for (const close of closers.reverse()) {
    try {
      await close();
    } catch {
      // Best effort: we are shutting down.
    }
  }
  if (tmpDir !== undefined) rmSync(tmpDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping children`);
    cleanup().finally(() => process.exit(130));
  });
}
// A hard ceiling for the whole run, so a wedged child can never hold CI forever.
const ceilingMs = smoke ? 120_000 : quick ? 300_000 : 20 * 60_000;
const ceiling = setTimeout(() => {
  log(`run exceeded ${ceilingMs / 1000} s: aborting`);
  cleanup().finally(() => process.exit(3));
}, ceilingMs);
ceiling.unref();

/** Mints `count` tokens with up to `batch` signatures in flight (WebCrypto uses the thread pool). */
async function mintMany(count, mint, batch = 256) {
  const out = [];
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    out.push(...(await Promise.all(Array.from({ length: n }, (_, j) => mint(i + j)))));
  }
  return out;
}

async function main() {
  ensureBuilt(log);
  const { createTestIssuer } = await import('@cognito-guard/testing');
  const issuer = await createTestIssuer({ https: true });
  closers.push(() => issuer.close());
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'cognito-guard-bench-'));
  // The CA certificate is public material; fetch-based peers read it via NODE_EXTRA_CA_CERTS.
  const caFile = path.join(tmpDir, 'test-ca.pem');
  let inherited = '';
  if (process.env.NODE_EXTRA_CA_CERTS) {
    try {
      inherited = readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8');
    } catch {
      // Not readable: children get the test CA alone.
    }
  }
  writeFileSync(caFile, `${inherited}\n${issuer.ca}`, { mode: 0o600 });
  const ctx = {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    issuer: issuer.issuer,
    jwksUri: issuer.jwksUri,
    ca: issuer.ca,
    jwks: issuer.jwks(),
  };
  const childEnv = { NODE_EXTRA_CA_CERTS: caFile, NODE_ENV: 'production' };
  // Time the run may spend waiting for other processes to calm down (see lib/cpu.mjs).
  const quietBudget = { ms: quick ? 5000 : 90_000, waitedMs: 0 };
  const env = { quick, smoke, ctx, issuer, childEnv, log, tmpDir, mintMany, quietBudget };
  if (serversArg) env.serverFilter = serversArg.slice('--servers='.length).split(',');
  if (roundsArg) env.httpRounds = Number(roundsArg.slice('--http-rounds='.length));

  if (smoke) {
    const { runSmoke } = await import('./sections/smoke.mjs');
    const report = await runSmoke(env);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failures.length === 0 ? 0 : 1;
  }

  const needDistinct = sections.some((s) => ['verify', 'http', 'memory', 'herd'].includes(s));
  // HTTP distinct-token runs cycle through this pool: ten times the default result cache
  // (10,000 entries), and more than any server answers in one warm-up plus measured run (the
  // fastest miss path here is about 16,000 req/s), so no token repeats while a server is up
  // (the report checks it). Minting takes about a minute on a 2-core machine.
  const distinctCount = needDistinct ? (quick ? 24_000 : 100_000) : 600;
  log(`minting ${distinctCount} distinct access tokens (RSA-2048, testing kit)`);
  const tokens = {
    repeated: await issuer.mintAccessToken({ username: 'bench-repeated' }),
    warm: await mintMany(200, (i) => issuer.mintAccessToken({ username: `warm-${i}` })),
    distinct: await mintMany(distinctCount, (i) => issuer.mintAccessToken({ username: `u${i}` })),
  };
  env.tokens = tokens;
  log(`minted (token length ${tokens.repeated.length} characters)`);

  const results = {
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: machine(),
    versions: versions(),
    loadAverageAtStart: os.loadavg(),
  };
  const runners = {
    verify: async () => (await import('./sections/verify.mjs')).runVerify(env),
    reject: async () => (await import('./sections/reject.mjs')).runReject(env),
    http: async () => (await import('./sections/http.mjs')).runHttp(env),
    cold: async () => (await import('./sections/cold.mjs')).runCold(env),
    herd: async () => (await import('./sections/herd.mjs')).runHerd(env),
    memory: async () => (await import('./sections/memory.mjs')).runMemory(env),
    lambda: async () => (await import('./sections/lambda.mjs')).runLambda(env),
    revocation: async () => (await import('./sections/revocation.mjs')).runRevocation(env),
  };
  for (const section of sections) {
    const t0 = Date.now();
    try {
      results[section] = await runners[section]();
    } catch (err) {
      log(`${section} failed: ${err instanceof Error ? err.message : String(err)}`);
      results[section] = { error: err instanceof Error ? err.message : String(err) };
    }
    log(`${section} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.loadAverageAtEnd = os.loadavg();
  results.quietWaitSeconds = Math.round(quietBudget.waitedMs / 1000);
  const { renderReport } = await import('./lib/report.mjs');
  const markdown = renderReport(results, { sections });
  // Only a complete run replaces RESULTS.md; partial runs (--only, --servers) go elsewhere.
  const partial = onlyArg !== undefined || serversArg !== undefined || roundsArg !== undefined;
  const out = path.join(
    BENCH_DIR,
    partial ? 'RESULTS.partial.md' : quick ? 'RESULTS.quick.md' : 'RESULTS.md',
  );
  writeFileSync(out, markdown);
  writeFileSync(out.replace(/\.md$/, '.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${markdown}\n`);
  log(`wrote ${path.relative(process.cwd(), out)}`);
  return Object.values(results).some((r) => r?.error) ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
