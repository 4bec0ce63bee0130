/**
 * The load generator: autocannon in its own process, so it never shares a core's event loop
 * with the server it measures. Tokens arrive once over IPC (`setTokens`) and never leave this
 * process. In "distinct" mode every request takes the next token of the list, round robin,
 * across all connections.
 */
import autocannon from 'autocannon';
import { serveParent } from '../lib/rpc.mjs';

let tokens = [];
let repeated;
let next = 0;
/** Distinct tokens sent since the last `fresh` run: a server's whole life. */
let sentSinceFresh = 0;

function run({ port, connections, durationSeconds, mode, fresh }) {
  if (fresh) sentSinceFresh = 0;
  const options = {
    url: `http://127.0.0.1:${port}/hello`,
    connections,
    duration: durationSeconds,
    pipelining: 1,
  };
  if (mode === 'repeated') {
    options.headers = { authorization: `Bearer ${repeated}` };
  } else if (mode === 'distinct') {
    options.requests = [
      {
        setupRequest(request) {
          const token = tokens[next];
          next = (next + 1) % tokens.length;
          sentSinceFresh += 1;
          request.headers = { ...request.headers, authorization: `Bearer ${token}` };
          return request;
        },
      },
    ];
  }
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => {
      if (err) {
        reject(new Error(`autocannon failed: ${err.message}`));
        return;
      }
      resolve({
        requestsPerSecond: result.requests.total / (result.duration || durationSeconds),
        total: result.requests.total,
        durationSeconds: result.duration,
        latencyP50: result.latency.p50,
        latencyP99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        // More distinct tokens sent to one server than the pool holds: some repeated.
        distinctSent: sentSinceFresh,
        distinctRepeated: mode === 'distinct' && sentSinceFresh > tokens.length,
      });
    });
  });
}

serveParent({
  setTokens(params) {
    tokens = params.distinct;
    repeated = params.repeated;
    return tokens.length;
  },
  run,
});
