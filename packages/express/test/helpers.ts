import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import express5 from 'express';
import express4 from 'express4';
import { type HttpAnswer, sendHttp } from '../../../test/conformance/http-client.js';

/** Both supported majors, for `describe.each`. */
export const EXPRESS_VERSIONS = [
  ['express 4', express4],
  ['express 5', express5],
] as const;

/** A running app on 127.0.0.1 and a way to send it raw requests. */
export interface Running {
  get(path: string, headers?: readonly (readonly [string, string])[]): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Starts `app` on 127.0.0.1, port 0. */
export async function listen(app: Express): Promise<Running> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    get: (path, headers = []) => sendHttp(port, { method: 'GET', path, headers }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An `Authorization: Bearer …` header line. */
export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
