import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { type HttpAnswer, sendHttp } from '../../../test/conformance/http-client.js';

/** A running app on 127.0.0.1 and a way to send it raw requests. */
export interface Running {
  readonly port: number;
  get(path: string, headers?: readonly (readonly [string, string])[]): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Serves `app` with @hono/node-server on 127.0.0.1, port 0. */
// biome-ignore lint/suspicious/noExplicitAny: any Env; the server only calls app.fetch.
export async function listen(app: Hono<any>): Promise<Running> {
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({ server, port: (info as AddressInfo).port }),
      );
      server.once('error', reject);
    },
  );
  return {
    port,
    get: (path, headers = []) => sendHttp(port, { method: 'GET', path, headers }),
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An `Authorization: Bearer …` header line. */
export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
