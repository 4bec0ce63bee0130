import { request } from 'node:http';
import type { ErrorCode } from '@cognito-guard/core';
import type { DriverRequest, Outcome, OutcomeKind } from './driver.js';

/** A raw HTTP answer: lower-case header names, the body as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * Sends one request to 127.0.0.1 with exactly the given header lines, duplicates included
 * (node:http takes a raw header list in the `rawHeaders` format), on a fresh connection.
 */
export function sendHttp(
  port: number,
  req: DriverRequest,
  timeoutMs = 10_000,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const raw: string[] = ['Host', `127.0.0.1:${port}`];
    for (const [name, value] of req.headers) raw.push(name, value);
    const outgoing = request(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers: raw, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined)
              headers[name] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString() });
        });
      },
    );
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error('request timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const KIND_BY_STATUS: Readonly<Record<number, OutcomeKind>> = {
  200: 'allow',
  400: 'bad-request',
  401: 'unauthorized',
  403: 'deny',
  503: 'unavailable',
};

/**
 * The outcome of an HTTP adapter's answer. Routes answer `200 { sub }`; the drivers'
 * pass-errors handlers answer `{ code }` with the error's own status and headers.
 */
export function httpOutcome(answer: HttpAnswer): Outcome {
  let body: unknown;
  if (answer.headers['content-type']?.startsWith('application/json')) {
    body = JSON.parse(answer.text);
  }
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const kind = KIND_BY_STATUS[answer.status] ?? 'error';
  return {
    kind,
    status: answer.status,
    headers: answer.headers,
    body,
    text: answer.text,
    handlerSawSub: kind === 'allow' && 'sub' in fields ? (fields.sub as string | null) : undefined,
    code: typeof fields.code === 'string' ? (fields.code as ErrorCode) : undefined,
  };
}
