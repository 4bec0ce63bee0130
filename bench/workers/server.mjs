/**
 * One HTTP server under test, in its own process: built, bound to 127.0.0.1 on port 0, and
 * checked (200 with a valid token, 401 without) before the orchestrator points autocannon at
 * it. The check also fetches the JWKS, so no measured request pays for it.
 */
import { getStatus } from '../lib/request.mjs';
import { serveParent } from '../lib/rpc.mjs';
import { createApp, SERVERS } from '../lib/servers.mjs';

let running;

serveParent({
  async start({ id, ctx, warmToken }) {
    const config = SERVERS.find((s) => s.id === id);
    const app = await createApp(id, ctx);
    running = await app.listen();
    const ok = await getStatus(running.port, '/hello', warmToken);
    if (ok !== 200) throw new Error(`${id}: a valid token got ${ok}`);
    if (config.auth) {
      const missing = await getStatus(running.port, '/hello', undefined);
      if (missing !== 401) throw new Error(`${id}: a request without a token got ${missing}`);
    }
    return { port: running.port, pid: process.pid };
  },
  async stop() {
    await running?.close();
    running = undefined;
  },
});
