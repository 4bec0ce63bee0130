#!/usr/bin/env node
/**
 * `node bench/profile.mjs`: where the time goes in cognito-guard's verify path.
 *
 * Mints distinct tokens with the testing kit, then runs cognito-guard's `verify` over them in
 * a child process under `node --cpu-prof` (cache off: every call is the full path; or
 * `--hit` for the cache-hit path), and prints self time per function and per source file of
 * the profile, plus a µs-per-verify figure measured without the profiler in the same child.
 *
 *   node bench/profile.mjs [--hit | --cached-miss] [--count=40000] [--core=/abs/path/to/core/dist/index.js]
 *   node bench/profile.mjs --http=express-ours [--seconds=8] [--mode=repeated|distinct] [--tokens=2000]
 *
 * With `--http`, the named server of lib/servers.mjs runs under --cpu-prof while autocannon
 * (50 connections, another process) loads it; the profile is of the server process.
 *
 * `--core` points at another build of @cognito-guard/core (a scratch copy with a proposed
 * change), so a change can be measured against the current one on the same tokens.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? fallback : found.slice(name.length + 3);
};
const hitPath = args.includes('--hit');
const cachedMiss = args.includes('--cached-miss');
const count = Number(arg('count', '40000'));
const corePath = arg('core', undefined);
const role = arg('role', 'parent');
const httpServer = arg('http', undefined);
// Distinct tokens minted; more than the verified-token cache holds (10,000) makes every
// distinct-mode HTTP request a cache miss, as in `pnpm bench`.
const tokenCount = Number(arg('tokens', '2000'));

if (role === 'child') {
  // Child: verify the tokens from stdin; the profile is written by --cpu-prof at exit.
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const core = await import(input.corePath ?? '@cognito-guard/core');
  if (input.cachedMiss) {
    // Cache on, every verify a miss: a new verifier (sharing one JWKS cache) per pass.
    const jwks = core.createJwksCache({ ca: input.ctx.ca });
    const fresh = () =>
      core.createVerifier({
        userPoolId: input.ctx.userPoolId,
        clientId: input.ctx.clientId,
        tokenUse: 'access',
        jwksUri: input.ctx.jwksUri,
        jwks,
      });
    const passes = Math.max(1, Math.round(input.count / input.tokens.length));
    const warm = fresh();
    for (const t of input.tokens.slice(0, 500)) await warm.verify(t);
    let cpu = 0;
    for (let p = 0; p < passes; p++) {
      const v = fresh();
      const c0 = process.cpuUsage();
      for (const t of input.tokens) await v.verify(t);
      const c = process.cpuUsage(c0);
      cpu += c.user + c.system;
    }
    process.stdout.write(JSON.stringify({ perVerify: cpu / (passes * input.tokens.length) }));
    process.exit(0);
  }
  const verifier = core.createVerifier({
    userPoolId: input.ctx.userPoolId,
    clientId: input.ctx.clientId,
    tokenUse: 'access',
    jwksUri: input.ctx.jwksUri,
    jwks: { ca: input.ctx.ca },
    ...(input.hit ? {} : { cache: false }),
  });
  const tokens = input.hit ? [input.tokens[0]] : input.tokens;
  const n = tokens.length;
  await verifier.verify(tokens[0]);
  for (let i = 0; i < 2000; i++) await verifier.verify(tokens[i % n]);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < input.count; i++) await verifier.verify(tokens[i % n]);
  const perVerify = Number(process.hrtime.bigint() - t0) / 1e3 / input.count;
  process.stdout.write(JSON.stringify({ perVerify }));
  process.exit(0);
}

const { createTestIssuer } = await import('@cognito-guard/testing');
const issuer = await createTestIssuer({ https: true });
const dir = mkdtempSync(path.join(os.tmpdir(), 'cognito-guard-profile-'));
try {
  const tokens = [];
  for (let i = 0; i < tokenCount; i += 200) {
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: 200 }, (_, j) => issuer.mintAccessToken({ username: `p${i + j}` })),
      )),
    );
  }
  const input = {
    ctx: {
      userPoolId: issuer.userPoolId,
      clientId: issuer.clientId,
      jwksUri: issuer.jwksUri,
      ca: issuer.ca,
    },
    tokens,
    count,
    hit: hitPath,
    cachedMiss,
    corePath: corePath === undefined ? undefined : pathToFileURL(corePath).href,
  };
  writeFileSync(path.join(dir, 'ca.pem'), issuer.ca);
  if (httpServer !== undefined) {
    await profileHttp(input, dir);
  } else {
    await profileVerify(input, dir);
  }
} finally {
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
}

async function profileHttp(input, dir) {
  const { killAllChildren, startChild } = await import('./lib/rpc.mjs');
  const seconds = Number(arg('seconds', '8'));
  const mode = arg('mode', 'repeated');
  const server = startChild(new URL('./workers/server.mjs', import.meta.url), {
    execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    env: { NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') },
  });
  const load = startChild(new URL('./workers/load.mjs', import.meta.url));
  try {
    await Promise.all([server.ready, load.ready]);
    const { port } = await server.call('start', {
      id: httpServer,
      ctx: input.ctx,
      warmToken: input.tokens[1],
    });
    await load.call('setTokens', { distinct: input.tokens, repeated: input.tokens[0] });
    await load.call('run', { port, connections: 50, mode, durationSeconds: 2 }, 60_000);
    const result = await load.call(
      'run',
      { port, connections: 50, mode, durationSeconds: seconds },
      120_000,
    );
    await server.stop(10_000);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    console.log(
      `${httpServer}, ${mode} token(s), 50 connections: ${Math.round(result.requestsPerSecond)} req/s ` +
        `(${result.non2xx} non-2xx); server process profile:`,
    );
    summarize(profile, 1e6 / result.requestsPerSecond, 'request');
  } finally {
    await load.stop();
    await server.stop();
    killAllChildren();
  }
}

async function profileVerify(input, dir) {
  const inputFile = path.join(dir, 'input.json');
  writeFileSync(inputFile, JSON.stringify(input), { mode: 0o600 });
  const self = fileURLToPath(import.meta.url);
  const out = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', self, '--role=child'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(stdout));
      else reject(new Error(`profiled child exited ${code}`));
    });
    child.stdin.end(readFileSync(inputFile));
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  console.log(
    `${hitPath ? 'cache-hit path' : cachedMiss ? 'cache on, every verify a miss' : 'full verify (cache off), distinct tokens'}: ` +
      `${out.perVerify.toFixed(2)} µs per verify without the profiler (CPU time with --cached-miss); profile shares below are ` +
      'of the profiled run, scaled to that figure',
  );
  summarize(profile, out.perVerify, 'verify');
}

function summarize(profile, perVerify, unit) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  // Sample weights: timeDeltas[i] is the time before sample i.
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const where = (node) => {
    const url = node.callFrame.url;
    const short = url
      .replace(/^file:\/\//, '')
      .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
      .replace(/.*\/packages\//, 'packages/')
      .replace(/.*\/(core-exp[^/]*)\//, '$1/');
    return short === '' ? '(native/VM)' : short;
  };
  const byFunction = new Map();
  const byFile = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const fn = node.callFrame.functionName || '(anonymous)';
    const file = where(node);
    const key = `${fn}  ${file}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const line = (label, us) =>
    `${((us / total) * 100).toFixed(1).padStart(5)}%  ${((us / total) * perVerify).toFixed(2).padStart(7)} µs  ${label}`;
  console.log(`\nself time by function (top 25), µs per ${unit}`);
  for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(line(key, us));
  }
  console.log(`\nself time by file, µs per ${unit}`);
  for (const [key, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(line(key, us));
  }
}
