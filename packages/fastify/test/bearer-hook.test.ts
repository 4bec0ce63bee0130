import { AuthError } from '@cognito-guard/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearerHook } from '../src/state.js';

/**
 * The shared `onRequest` hook in its callback form: a synchronous answer, a promise, a refusal,
 * and an `admit` that throws all end the request (never a hang).
 */
describe('bearerHook', () => {
  const deny = (err: unknown, reply: import('fastify').FastifyReply) => {
    if (!(err instanceof AuthError)) throw err;
    return reply.code(err.status).send({ code: err.code });
  };
  const rule = () => ({ skip: false, optional: false });

  async function answer(
    authenticate: () => unknown,
    admit: () => unknown = () => undefined,
  ): Promise<{ status: number; body: string }> {
    const app = Fastify();
    app.addHook('onRequest', bearerHook(authenticate as never, deny, rule, admit));
    app.get('/', async () => ({ ok: true }));
    try {
      const res = await app.inject({ method: 'GET', url: '/' });
      return { status: res.statusCode, body: res.body };
    } finally {
      await app.close();
    }
  }

  it('goes on at once on a synchronous answer, and after a promise', async () => {
    expect(await answer(() => ({ sub: 'a' }))).toEqual({ status: 200, body: '{"ok":true}' });
    expect(await answer(() => Promise.resolve({ sub: 'a' }))).toEqual({
      status: 200,
      body: '{"ok":true}',
    });
  });

  it('answers a refusal, thrown or rejected, through deny', async () => {
    const thrown = await answer(() => {
      throw new AuthError('EXPIRED');
    });
    expect(thrown).toEqual({ status: 401, body: '{"code":"EXPIRED"}' });
    const rejected = await answer(() => Promise.reject(new AuthError('KEY_NOT_FOUND')));
    expect(rejected).toEqual({ status: 401, body: '{"code":"KEY_NOT_FOUND"}' });
  });

  it('ends with a 500 when admit throws after a promise, instead of hanging', async () => {
    const res = await answer(
      () => Promise.resolve({ sub: 'a' }),
      () => {
        throw new Error('bug in admit');
      },
    );
    expect(res.status).toBe(500);
  });

  it('ends with a 500 when the refusal is not an Error (undefined, null, a string)', async () => {
    for (const value of [undefined, null, 'route']) {
      expect((await answer(() => Promise.reject(value))).status).toBe(500);
      const thrown = await answer(() => {
        throw value;
      });
      expect(thrown.status).toBe(500);
    }
  });
});
