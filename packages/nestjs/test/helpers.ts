import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type HttpAnswer, sendHttp } from '../../../test/conformance/http-client.js';

/** The two HTTP platforms Nest ships, for `describe.each`. */
export const PLATFORMS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

export type PlatformFactory = (typeof PLATFORMS)[number][1];

/** A running Nest app on 127.0.0.1 and a way to send it raw requests. */
export interface Running {
  readonly app: INestApplication;
  readonly port: number;
  get(path: string, headers?: readonly (readonly [string, string])[]): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/**
 * Creates the app of `module` on a platform, lets `configure` add global filters or
 * middleware, and listens on 127.0.0.1, port 0. Nest's logger is off: a test must not print.
 */
export async function startNest(
  module: Type<unknown>,
  platform: PlatformFactory,
  configure: (app: INestApplication) => void = () => {},
): Promise<Running> {
  const app = await NestFactory.create(module, platform(), { logger: false, abortOnError: false });
  configure(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    port,
    get: (path, headers = []) => sendHttp(port, { method: 'GET', path, headers }),
    close: () => app.close(),
  };
}

/** An `Authorization: Bearer …` header line. */
export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
