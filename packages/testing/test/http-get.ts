import type { IncomingHttpHeaders } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpGetResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** DER of the server's certificate, over HTTPS. */
  peerCertificate: Buffer | undefined;
}

export interface HttpGetOptions {
  method?: string;
  /** CA to trust over HTTPS; without it, Node's default trust store applies. */
  ca?: string | undefined;
  /** Name checked against the certificate, when it is not the URL's host. */
  servername?: string;
  /** Fails the request when the socket is idle this long. */
  timeoutMs?: number;
}

/**
 * A bare GET over a fresh connection (no agent, so no keep-alive reuse between tests), that
 * neither follows redirects nor decompresses: the test sees exactly what the server sent.
 */
export function httpGet(url: string, options: HttpGetOptions = {}): Promise<HttpGetResult> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? 'GET',
        agent: false,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.servername === undefined ? {} : { servername: options.servername }),
        timeout: options.timeoutMs ?? 5_000,
      },
      (res) => {
        // Read now: the socket is released once the body ends.
        const peer =
          target.protocol === 'https:'
            ? (res.socket as TLSSocket).getPeerCertificate().raw
            : undefined;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            peerCertificate: peer,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}
