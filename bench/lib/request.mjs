/** One plain HTTP request to a bench server, for readiness and correctness checks. */
import http from 'node:http';

/** GET `path` on 127.0.0.1:`port`; resolves to the status code. */
export function getStatus(port, path, token, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const request = http.get(
      { host: '127.0.0.1', port, path, headers, agent: false, timeout: timeoutMs },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on('error', reject);
  });
}
