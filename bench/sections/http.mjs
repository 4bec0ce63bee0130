/**
 * Section 2: HTTP throughput with autocannon. Two child processes per measurement: the
 * server under test (fresh for each server and round) and the load generator (one for the
 * whole section), 50 connections, a warm-up run then a measured run, rounds alternating the
 * server order. The no-auth ceilings are measured with the same requests as the auth rows
 * (same Authorization header, ignored) and, for reference, without any header.
 */
import { cpuWindow, waitForQuiet } from '../lib/cpu.mjs';
import { startChild } from '../lib/rpc.mjs';
import { SERVERS } from '../lib/servers.mjs';
import { summarize } from '../lib/stats.mjs';

export async function runHttp(env) {
  const { quick, ctx, tokens, childEnv, log, quietBudget, serverFilter } = env;
  // --quick leaves out the diagnostic empty-middleware servers.
  // The empty-middleware floors stay in --quick: the report checks that no layer measures
  // faster than its absence, and needs them for that.
  const servers = serverFilter ? SERVERS.filter((s) => serverFilter.includes(s.id)) : SERVERS;
  const rounds = env.httpRounds ?? (quick ? 1 : 5);
  const durationSeconds = quick ? 1 : 3;
  const warmupSeconds = quick ? 0.5 : 1;
  const connections = 50;
  log(
    `http: ${servers.length} servers, ${rounds} round(s), ${connections} connections, ` +
      `${warmupSeconds} s warm-up + ${durationSeconds} s measured per run`,
  );
  const load = startChild(new URL('../workers/load.mjs', import.meta.url), { env: childEnv });
  const samples = {};
  const unavailable = {};
  const invalid = {};
  try {
    await load.ready;
    await load.call('setTokens', { distinct: tokens.distinct, repeated: tokens.repeated });
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        if (unavailable[server.id] !== undefined) continue;
        // The no-header ceiling is for reference only; --quick skips it.
        const modes = server.auth
          ? ['repeated', 'distinct']
          : quick || server.id !== `${server.framework}-none`
            ? ['repeated']
            : ['repeated', 'bare'];
        const child = startChild(
          new URL(server.worker ?? '../workers/server.mjs', import.meta.url),
          {
            env: childEnv,
          },
        );
        try {
          await child.ready;
          let port;
          try {
            ({ port } = await child.call(
              'start',
              { id: server.id, ctx, warmToken: tokens.warm[0] },
              30_000,
            ));
          } catch (err) {
            unavailable[server.id] = err.message;
            log(`  ${server.id}: not measured (${err.message})`);
            continue;
          }
          for (const mode of modes) {
            const params = { port, connections, mode };
            await waitForQuiet(quietBudget, { maxMs: 5000 });
            await load.call(
              'run',
              { ...params, durationSeconds: warmupSeconds, fresh: true },
              60_000,
            );
            const window = cpuWindow();
            const result = await load.call('run', { ...params, durationSeconds }, 60_000);
            const cpu = window.stop();
            result.backgroundCores = cpu.backgroundCores;
            // A server below a full core was waiting for the client: the figure is the
            // client's limit, not the server's.
            result.serverCores = cpu.coresOf(child.pid);
            result.clientCores = cpu.coresOf(load.pid);
            // Server CPU per answered request: what a request costs the server, whatever the
            // machine's other load did to the throughput (10 ms tick resolution).
            result.serverCpuUsPerRequest = (cpu.cpuSecondsOf(child.pid) * 1e6) / result.total;
            const key = `${server.id}/${mode}`;
            samples[key] ??= [];
            samples[key].push(result);
            if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
              invalid[key] =
                `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`;
            }
            if (result.distinctRepeated) {
              invalid[key] =
                `${result.distinctSent} distinct-mode requests to one server, more than the ` +
                `${tokens.distinct.length} tokens of the pool: some repeated`;
            }
            log(
              `  round ${round + 1} ${key}: ${Math.round(result.requestsPerSecond)} req/s` +
                ` (server ${result.serverCores.toFixed(2)}, client ${result.clientCores.toFixed(2)}, ` +
                `background ${result.backgroundCores.toFixed(2)} cores)` +
                (invalid[key] ? ` (INVALID: ${invalid[key]})` : ''),
            );
          }
        } finally {
          await child.stop();
        }
      }
    }
  } finally {
    await load.stop();
  }
  // Auth over no-auth per round (same requests, measured minutes apart at most): robust to a
  // background load that drifts between rounds.
  const paired = {};
  const pairedCpu = {};
  for (const framework of ['express', 'fastify']) {
    const ours = samples[`${framework}-ours/repeated`] ?? [];
    const none = samples[`${framework}-none/repeated`] ?? [];
    const n = Math.min(ours.length, none.length);
    paired[framework] = ours
      .slice(0, n)
      .map((r, i) => r.requestsPerSecond / none[i].requestsPerSecond);
    // The same ratio estimated from server CPU per request (ceiling cost / auth cost).
    pairedCpu[framework] = ours
      .slice(0, n)
      .map((r, i) => none[i].serverCpuUsPerRequest / r.serverCpuUsPerRequest);
  }
  const results = {};
  for (const [key, list] of Object.entries(samples)) {
    results[key] = {
      rps: summarize(list.map((r) => r.requestsPerSecond)),
      p50: summarize(list.map((r) => r.latencyP50)),
      p99: summarize(list.map((r) => r.latencyP99)),
      non2xx: list.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
      background: summarize(list.map((r) => r.backgroundCores)),
      serverCores: summarize(list.map((r) => r.serverCores)),
      serverCpuUs: summarize(list.map((r) => r.serverCpuUsPerRequest)),
      clientCores: summarize(list.map((r) => r.clientCores)),
      maxDistinctSent: Math.max(...list.map((r) => r.distinctSent ?? 0)),
    };
  }
  return {
    rounds,
    durationSeconds,
    warmupSeconds,
    connections,
    results,
    paired: Object.fromEntries(Object.entries(paired).map(([k, v]) => [k, summarize(v)])),
    pairedCpu: Object.fromEntries(Object.entries(pairedCpu).map(([k, v]) => [k, summarize(v)])),
    unavailable,
    invalid,
    distinctPool: tokens.distinct.length,
  };
}
