import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { refusal } from './errors.js';

/**
 * The default JWKS fetcher (SECURITY.md R36, pitfall 3).
 *
 * Built on `node:https` rather than `fetch`: it never follows redirects (a 3xx comes back as
 * a status and is refused), never decompresses (we ask for `identity` and the cache refuses
 * any `Content-Encoding`), takes an extra CA without replacing the system roots, and lets us
 * stop reading the moment the body passes the byte cap.
 */

/** What a fetcher hands back: the cache checks status, encoding, size and content. */
export interface JwksResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/** Everything a fetcher is given for one request. */
export interface JwksFetchInit {
  /** Aborts at the overall deadline. */
  readonly signal: AbortSignal;
  /** Stop reading past this many bytes. */
  readonly maxBytes: number;
}

/**
 * Fetches one JWKS URI. Inject your own for tests, proxies or a non-Node runtime; the cache
 * still enforces every rule on what it returns.
 */
export type JwksFetcher = (uri: string, init: JwksFetchInit) => Promise<JwksResponse>;

/** Options of the default fetcher. */
export interface DefaultFetcherOptions {
  /** Extra trusted CA certificates (PEM), added to Node's root store, not replacing it. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
}

/**
 * Creates the default HTTPS fetcher.
 *
 * @example
 * ```ts
 * const fetcher = createDefaultFetcher({ ca: readFileSync('corp-ca.pem', 'utf8') });
 * ```
 */
export function createDefaultFetcher(options: DefaultFetcherOptions = {}): JwksFetcher {
  const extra =
    options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const agent =
    extra.length === 0
      ? undefined
      : new https.Agent({
          ca: [...rootCertificates, ...(extra as (string | Buffer)[])],
          keepAlive: false,
        });
  return (uri, init) =>
    new Promise<JwksResponse>((resolve, reject) => {
      const url = new URL(uri);
      const transport = url.protocol === 'http:' ? http : https;
      const request = transport.request(
        url,
        {
          method: 'GET',
          headers: { accept: 'application/json', 'accept-encoding': 'identity' },
          signal: init.signal,
          ...(agent !== undefined && url.protocol === 'https:' ? { agent } : {}),
        },
        (response) => {
          // Settle before destroying: destroy() emits 'aborted' and 'error' synchronously.
          const tooLarge = () => {
            reject(refusal('JWKS_INVALID', 'JWKS larger than maxBytes'));
            response.destroy();
          };
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > init.maxBytes) {
            tooLarge();
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > init.maxBytes) {
              tooLarge();
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => {
            const headers: Record<string, string | undefined> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
          });
          response.on('error', reject);
          response.on('aborted', () => reject(new Error('response aborted')));
        },
      );
      request.on('error', reject);
      request.end();
    });
}
