import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbStore } from '../src/dynamodb.js';
import { createRevocationList, type RevocationEvent } from '../src/index.js';
import {
  bundleWorker,
  freePort,
  type Outcome,
  percentile,
  Relay,
  tempDir,
  Worker,
  waitFor,
} from './fleet/harness.js';

// The AWS SDK v3 prints a Node-support notice on Node 20 when a client is created; this is its
// documented switch (the worker processes get it from the harness).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

/**
 * The distributed claim on DynamoDB, against moto_server (https://docs.getmoto.org/en/latest/docs/server_mode.html)
 * when it is installed: four OS processes poll every 200 ms with a 1500 ms staleness bound.
 * A TCP relay in front of moto stands for the network: cutting it is an outage that moto's
 * in-memory tables survive. When moto_server is missing, nothing here is registered and one
 * line on stderr says so.
 */

const hasMoto = !spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).error;
if (!hasMoto)
  console.warn('moto_server not found on PATH: DynamoDB revocation tests not registered');

const POLL_MS = 200;
const MAX_STALENESS_MS = 1500;
const TABLE = 'revocations';

let moto: ChildProcess | undefined;
let relay: Relay;
let issuer: TestIssuer;
let bundleDir: string;
let direct: DynamoDBClient;
const workers: Worker[] = [];

function client(port: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

function fleetTests(): void {
  beforeAll(async () => {
    issuer = await createTestIssuer();
    const motoPort = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(motoPort)], { stdio: 'ignore' });
    direct = client(motoPort);
    const up = await waitFor(
      async () => {
        try {
          await direct.send(
            new CreateTableCommand({
              TableName: TABLE,
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'sk', KeyType: 'RANGE' },
              ],
              AttributeDefinitions: [
                { AttributeName: 'pk', AttributeType: 'S' },
                { AttributeName: 'sk', AttributeType: 'N' },
              ],
              BillingMode: 'PAY_PER_REQUEST',
            }),
          );
          return true;
        } catch {
          return false;
        }
      },
      15_000,
      100,
    );
    if (!up) throw new Error('moto_server did not start');
    await direct.send(
      new UpdateTimeToLiveCommand({
        TableName: TABLE,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );
    relay = new Relay(await freePort(), motoPort);
    await relay.restore();
    bundleDir = tempDir('cognito-guard-fleet-ddb-');
    const file = await bundleWorker(bundleDir);
    for (let i = 0; i < 4; i++) workers.push(new Worker(file));
    await Promise.all(
      workers.map((w) =>
        w.init({
          type: 'init',
          store: 'dynamodb',
          dynamo: { endpoint: `http://127.0.0.1:${relay.port}`, tableName: TABLE },
          intervalMs: POLL_MS,
          maxStalenessMs: MAX_STALENESS_MS,
          pool: {
            userPoolId: issuer.userPoolId,
            clientId: issuer.clientId,
            jwksUri: issuer.jwksUri,
          },
        }),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await relay?.cut();
    direct?.destroy();
    if (moto !== undefined && moto.exitCode === null) {
      const exited = new Promise((resolve) => moto!.once('exit', resolve));
      moto.kill('SIGTERM');
      await exited;
    }
    await issuer?.close();
    if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  });

  const verifyAll = (token: string) =>
    Promise.all(workers.map((w) => w.call<Outcome>({ type: 'verify', token })));

  it('propagates a revocation to every process within one poll interval plus a round trip', async () => {
    const latencies: number[] = [];
    for (let round = 0; round < 6; round++) {
      const session = `ddb-session-${round}`;
      const token = await issuer.mintAccessToken({ claims: { origin_jti: session } });
      expect((await verifyAll(token)).every((o) => o.ok)).toBe(true);
      const watches = workers.map((w) =>
        w.call<Outcome>({ type: 'watch', token, until: 'refused', deadlineMs: 5_000 }),
      );
      const { at } = await workers[round % 4]!.call<{ at: number }>({
        type: 'revoke',
        rule: 'session',
        target: session,
      });
      for (const o of await Promise.all(watches)) {
        expect(o.code).toBe('REVOKED');
        latencies.push(o.at! - at);
      }
    }
    console.log(
      `dynamodb fleet propagation over ${latencies.length} refusals: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms (poll ${POLL_MS} ms)`,
    );
    expect(percentile(latencies, 99)).toBeLessThan(POLL_MS + 1_000);
  });

  it('serves through an outage up to the staleness bound, then refuses (REVOCATION_UNAVAILABLE); resyncs after, outage revocations included', async () => {
    const kept = await issuer.mintAccessToken({ claims: { origin_jti: 'ddb-kept' } });
    const during = await issuer.mintAccessToken({ claims: { origin_jti: 'ddb-outage' } });
    expect((await verifyAll(kept)).every((o) => o.ok)).toBe(true);
    expect((await verifyAll(during)).every((o) => o.ok)).toBe(true);
    await relay.cut();
    const cutAt = Date.now();
    expect((await verifyAll(kept)).every((o) => o.ok)).toBe(true);
    const revoked = await workers[2]!.call<{ stored: boolean }>({
      type: 'revoke',
      rule: 'session',
      target: 'ddb-outage',
    });
    expect(revoked.stored).toBe(false);
    const refusals = await Promise.all(
      workers.map((w) =>
        w.call<Outcome>(
          { type: 'watch', token: kept, until: 'refused', deadlineMs: MAX_STALENESS_MS + 5_000 },
          20_000,
        ),
      ),
    );
    for (const o of refusals) {
      expect(o.code).toBe('REVOCATION_UNAVAILABLE');
      expect(o.at! - cutAt).toBeGreaterThanOrEqual(MAX_STALENESS_MS - POLL_MS - 50);
    }
    await relay.restore();
    const recovered = await waitFor(
      async () => {
        const [k, d] = await Promise.all([verifyAll(kept), verifyAll(during)]);
        return k.every((o) => o.ok) && d.every((o) => o.code === 'REVOKED');
      },
      15_000,
      100,
    );
    expect(recovered).toBe(true);
  }, 40_000);

  it('skips malformed items in the table and reports them, keeping the good ones', async () => {
    const events: RevocationEvent[] = [];
    const listName = 'bad-input';
    const now = Date.now();
    const items = [
      { entry: { S: 'not json' } },
      { entry: { N: '1' } },
      {},
      { entry: { S: JSON.stringify({ k: 't', id: 'good-jti', at: now, exp: now + 60_000 }) } },
    ];
    for (const [i, extra] of items.entries()) {
      await direct.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: listName }, sk: { N: String(i + 1) }, ...extra },
        }),
      );
    }
    await direct.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: `${listName}#head` }, sk: { N: '0' }, seq: { S: 'garbage' } },
      }),
    );
    const list = createRevocationList({
      store: dynamoDbStore({ client: direct, tableName: TABLE, listName }),
      onEvent: (e) => events.push(e),
    });
    // A head that is not a number: the load fails, the list stays unavailable (never open).
    await expect(list.ready()).rejects.toThrow(/sequence number/);
    expect(() => list.isRevoked({ jti: 'good-jti' } as never)).toThrow(
      expect.objectContaining({ code: 'REVOCATION_UNAVAILABLE' }),
    );
    await direct.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: `${listName}#head` }, sk: { N: '0' }, seq: { N: '4' } },
      }),
    );
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await list.isRevoked({ jti: 'good-jti' } as never)).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ type: 'invalid-entry', count: 3 }));
    await list.close();
  });
}

if (hasMoto) describe('dynamoDbStore across four processes (moto_server)', fleetTests);
