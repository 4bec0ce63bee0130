import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * How the JWKS server misbehaves, to test a verifier's fetching against failures seen in the
 * wild. `null` (see `TestIssuer.misbehave`) means answer normally.
 *
 * - `down`: every new connection is destroyed at once, before any HTTP (or TLS) exchange.
 * - `hang`: requests are read and never answered, until the issuer is closed.
 * - `slow`: the normal answer, sent after `delayMs`.
 * - `status`: an empty (or `body`) `text/plain` answer with this status, e.g. 500 or 404.
 * - `redirect`: a redirect (302 by default) to `location`.
 * - `oversized`: a 200 whose JSON body, the real key set plus a `pad` member, has about `bytes`
 *   bytes, streamed in chunks without Content-Length, so only a byte limit can stop it.
 * - `raw`: exactly this status (200 by default), these headers and these body bytes.
 *
 * @example
 * issuer.misbehave({ kind: 'status', status: 503 });
 * issuer.misbehave({ kind: 'raw', body: '<html>', headers: { 'content-type': 'text/html' } });
 */
export type Misbehaviour =
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'redirect'; location: string; status?: number }
  | { kind: 'oversized'; bytes: number }
  | {
      kind: 'raw';
      body: string | Uint8Array;
      headers?: Record<string, string>;
      status?: number;
    };

/**
 * What the JWKS server needs from its issuer; read on every request, so changes apply at once.
 *
 * @example
 * const options: JwksServerOptions = { path: '/p/.well-known/jwks.json', tls: undefined,
 *   body: () => '{"keys":[]}', misbehaviour: () => null };
 */
export interface JwksServerOptions {
  /** The path answered; anything else is a 404, as on Cognito. */
  readonly path: string;
  /** Further paths answered with the same key set (one per issuer form). */
  readonly alsoServes?: ((path: string) => boolean) | undefined;
  /** Serve HTTPS with this leaf certificate and key; plain HTTP when undefined. */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** The JSON text of the key set to serve. */
  readonly body: () => string;
  readonly misbehaviour: () => Misbehaviour | null;
}

/**
 * A running JWKS server bound to 127.0.0.1.
 *
 * @example
 * const server = await startJwksServer(options);
 * server.port; // e.g. 40123
 * await server.close();
 */
export interface JwksServer {
  readonly port: number;
  /** Requests received, whatever their path or outcome, plus connections dropped while `down`. */
  readonly requestCount: number;
  /** Stops listening and destroys every open connection; idempotent. */
  close(): Promise<void>;
}

// What Cognito answers with: JSON, cacheable for an hour.
const JWKS_HEADERS = { 'content-type': 'application/json', 'cache-control': 'max-age=3600' };

const OVERSIZED_CHUNK_BYTES = 64 * 1024;

/**
 * Starts the server on 127.0.0.1 and an ephemeral port. Only the loopback address is bound:
 * a test server must not be reachable from the network.
 *
 * @example
 * const server = await startJwksServer({ path: '/us-east-1_X/.well-known/jwks.json',
 *   tls: undefined, body: () => '{"keys":[]}', misbehaviour: () => null });
 */
export async function startJwksServer(options: JwksServerOptions): Promise<JwksServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requestCount = 0;

  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    // Exact match on the path without the query, like a static route; no normalisation.
    const path = (req.url ?? '').split('?')[0];
    const served = path === options.path || (path !== undefined && options.alsoServes?.(path));
    if (req.method !== 'GET' || !served) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not Found');
      return;
    }
    res.writeHead(200, JWKS_HEADERS);
    res.end(options.body());
  };

  const misbehave = (
    mode: Misbehaviour,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): void => {
    switch (mode.kind) {
      case 'down':
        // Reached only by a keep-alive connection opened before the switch.
        req.socket.destroy();
        return;
      case 'hang':
        // Nothing to do: close() destroys the socket.
        return;
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(req, res);
        }, mode.delayMs);
        timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'status':
        res.writeHead(mode.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(mode.body ?? '');
        return;
      case 'redirect':
        res.writeHead(mode.status ?? 302, { location: mode.location });
        res.end();
        return;
      case 'oversized':
        writeOversized(res, options.body(), mode.bytes);
        return;
      case 'raw':
        res.writeHead(mode.status ?? 200, mode.headers ?? {});
        res.end(mode.body);
        return;
    }
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requestCount += 1;
    const mode = options.misbehaviour();
    try {
      if (mode === null) {
        answer(req, res);
      } else {
        misbehave(mode, req, res);
      }
    } catch (error) {
      // A misbehaviour a test built badly (say, a header value Node refuses) must fail that
      // request, not crash the test process from inside the server.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  };

  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : http.createServer(onRequest);

  // Registered after Node's own listener, so a socket destroyed here never reaches HTTP.
  server.on('connection', (socket: Socket) => {
    if (options.misbehaviour()?.kind === 'down') {
      requestCount += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  server.listen({ port: 0, host: '127.0.0.1', exclusive: true });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    port,
    get requestCount() {
      return requestCount;
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        // closeAllConnections() knows only HTTP connections; this also covers sockets still in
        // the TLS handshake and hung requests.
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

// Streams `{...the key set...,"pad":"xxxx"}` so the body stays valid-looking JSON, writing
// chunks as the socket drains instead of building the whole body in memory.
function writeOversized(res: http.ServerResponse, jwks: string, bytes: number): void {
  const isObject = jwks.startsWith('{') && jwks.endsWith('}');
  const members = isObject ? jwks.slice(1, -1) : '';
  const head = `{${members}${members === '' ? '' : ','}"pad":"`;
  const tail = '"}';
  let remaining = Math.max(0, bytes - Buffer.byteLength(head) - tail.length);
  const chunk = Buffer.alloc(OVERSIZED_CHUNK_BYTES, 'x');

  res.writeHead(200, JWKS_HEADERS);
  res.write(head);
  const writeMore = (): void => {
    while (remaining > 0) {
      if (res.destroyed) return;
      const size = Math.min(remaining, chunk.length);
      remaining -= size;
      if (!res.write(chunk.subarray(0, size))) {
        res.once('drain', writeMore);
        return;
      }
    }
    res.end(tail);
  };
  writeMore();
}
