/**
 * One instance of a fleet, in its own OS process: its own verifier and revocation list on the
 * shared store. Driven by its parent over IPC (tokens travel over IPC only, never argv/files).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AuthResult, createVerifier, isAuthError } from '@cognito-guard/core';
import { Redis as IORedis } from 'ioredis';
import { createClient as createClient5 } from 'redis';
import { createClient as createClient4 } from 'redis4';
import { dynamoDbStore } from '../../src/dynamodb.js';
import {
  createRevocationList,
  type RevocationList,
  type RevocationStore,
  redisStore,
} from '../../src/index.js';

export interface InitMessage {
  readonly type: 'init';
  readonly store: 'node-redis5' | 'node-redis4' | 'ioredis' | 'dynamodb';
  readonly redisUrl?: string;
  readonly dynamo?: { endpoint: string; tableName: string };
  readonly intervalMs: number;
  readonly maxStalenessMs: number;
  readonly pool: { userPoolId: string; clientId: string; jwksUri: string };
}

type Request =
  | InitMessage
  | { type: 'verify'; id: number; token: string }
  | { type: 'watch'; id: number; token: string; deadlineMs: number; until: 'refused' | 'accepted' }
  | { type: 'revoke'; id: number; rule: 'session' | 'user' | 'token'; target: string }
  | { type: 'status'; id: number }
  | { type: 'close'; id: number };

const send = (message: unknown) => process.send?.(message);
let list: RevocationList | undefined;
let verify: ((token: string) => Promise<AuthResult>) | undefined;
const closers: Array<() => Promise<unknown>> = [];

async function outcome(token: string): Promise<{ ok: boolean; code?: string }> {
  try {
    await verify!(token);
    return { ok: true };
  } catch (err) {
    return { ok: false, code: isAuthError(err) ? err.code : `THROWN:${String(err)}` };
  }
}

async function init(m: InitMessage): Promise<void> {
  const quiet = () => {};
  let store: RevocationStore;
  if (m.store === 'dynamodb') {
    const client = new DynamoDBClient({
      endpoint: m.dynamo!.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    closers.push(async () => client.destroy());
    store = dynamoDbStore({
      client,
      tableName: m.dynamo!.tableName,
      pollIntervalMs: m.intervalMs,
      timeoutMs: 500,
      gapTimeoutMs: 500,
    });
  } else if (m.store === 'ioredis') {
    const client = new IORedis(m.redisUrl!, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    const subscriber = client.duplicate();
    client.on('error', quiet);
    subscriber.on('error', quiet);
    closers.push(
      async () => client.disconnect(),
      async () => subscriber.disconnect(),
    );
    store = redisStore({ client, subscriber, heartbeatMs: m.intervalMs, timeoutMs: 500 });
  } else {
    const create = (
      m.store === 'node-redis4' ? createClient4 : createClient5
    ) as typeof createClient5;
    const client = create({ url: m.redisUrl!, socket: { reconnectStrategy: () => 100 } });
    client.on('error', quiet);
    await client.connect();
    const subscriber = client.duplicate();
    subscriber.on('error', quiet);
    await subscriber.connect();
    closers.push(
      async () => client.disconnect().catch(quiet),
      async () => subscriber.disconnect().catch(quiet),
    );
    store = redisStore({
      client: client as never,
      subscriber: subscriber as never,
      heartbeatMs: m.intervalMs,
      timeoutMs: 500,
    });
  }
  list = createRevocationList({ store, maxStalenessMs: m.maxStalenessMs, syncTimeoutMs: 300 });
  await list.ready();
  const verifier = createVerifier({
    userPoolId: m.pool.userPoolId,
    clientId: m.pool.clientId,
    tokenUse: null,
    jwksUri: m.pool.jwksUri,
    isRevoked: list.isRevoked,
  });
  verify = (token) => verifier.verify(token);
}

process.on('message', async (m: Request) => {
  try {
    switch (m.type) {
      case 'init':
        await init(m);
        send({ type: 'ready' });
        return;
      case 'verify':
        send({ type: 'reply', id: m.id, ...(await outcome(m.token)) });
        return;
      case 'watch': {
        // Verifies every millisecond until the outcome flips; bounded by the deadline.
        const end = Date.now() + m.deadlineMs;
        let last = await outcome(m.token);
        while ((m.until === 'refused' ? last.ok : !last.ok) && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 1));
          last = await outcome(m.token);
        }
        send({ type: 'reply', id: m.id, at: Date.now(), ...last });
        return;
      }
      case 'revoke': {
        const fn =
          m.rule === 'session'
            ? 'revokeSession'
            : m.rule === 'user'
              ? 'signOutUser'
              : 'revokeToken';
        const at = Date.now();
        let stored = true;
        await list![fn](m.target).catch(() => {
          stored = false;
        });
        send({ type: 'reply', id: m.id, at, stored });
        return;
      }
      case 'status':
        send({ type: 'reply', id: m.id, status: list!.status(), rss: process.memoryUsage().rss });
        return;
      case 'close':
        await list?.close();
        await Promise.allSettled(closers.map((c) => c()));
        send({ type: 'reply', id: m.id });
        setTimeout(() => process.exit(0), 10).unref();
        return;
    }
  } catch (err) {
    send({ type: 'error', id: (m as { id?: number }).id, message: String(err) });
  }
});
// An orphaned worker must not outlive its parent.
process.on('disconnect', () => process.exit(0));
