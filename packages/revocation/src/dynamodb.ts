import {
  type AttributeValue,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { encodeEntry } from './entries.js';
import { checkMs, type RevocationSink, type RevocationStore } from './store.js';

/**
 * The DynamoDB store, for Lambda deployments: no connection to keep, bounded polling.
 *
 * Table (create it yourself, or with infrastructure code):
 * - partition key `pk` (String), sort key `sk` (Number);
 * - Time to Live on the attribute `expiresAt` (Number, epoch seconds)
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 *
 * Items, for a list named `<list>` (default `revocations`):
 * - a head `{ pk: "<list>#head", sk: 0, seq }`: the number of entries ever written;
 * - entries `{ pk: "<list>", sk: <seq>, entry: "<json>", expiresAt }`, one per write.
 * A write reads the head and, in one transaction, bumps it on condition that it did not move
 * and puts the entry under the new number (TransactWriteItems,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html).
 * So entry numbers have no lasting holes, and each instance polls with a strongly consistent
 * Query for `sk` above the last number it applied. A hole that outlives `gapTimeoutMs` (a
 * read that raced a commit, or an item TTL removed) makes it read the head and reload.
 * A poll that found no hole confirms the list is current as of the moment it was sent.
 */

/** The SDK v3 client, as far as this store uses it (a `DynamoDBClient`). */
export interface DynamoDbClientLike {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Options of {@link dynamoDbStore}. */
export interface DynamoDbStoreOptions {
  /** An `@aws-sdk/client-dynamodb` `DynamoDBClient`. */
  readonly client: DynamoDbClientLike;
  readonly tableName: string;
  /** Several lists may share a table. Default `revocations`. */
  readonly listName?: string;
  /** How often each instance polls, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Longest wait for one DynamoDB call, in ms. Default 2000. */
  readonly timeoutMs?: number;
  /** How long a hole in the entry numbers may last before a full reload, in ms. Default 2000. */
  readonly gapTimeoutMs?: number;
}

/** Most items read by one poll or reload (pages of 1000). */
const MAX_ITEMS_PER_READ = 2_000_000;

/**
 * A revocation store on a DynamoDB table (see the schema above).
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * const store = dynamoDbStore({ client: new DynamoDBClient({}), tableName: 'revocations' });
 * const revocations = createRevocationList({ store });
 * ```
 */
export function dynamoDbStore(options: DynamoDbStoreOptions): RevocationStore {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: dynamoDbStore options must be an object');
  }
  const { client, tableName } = options;
  if (typeof client !== 'object' || client === null || typeof client.send !== 'function') {
    throw new TypeError('cognito-guard: dynamoDbStore client must be a DynamoDBClient');
  }
  if (typeof tableName !== 'string' || tableName.length < 3) {
    throw new TypeError('cognito-guard: dynamoDbStore tableName must be a table name');
  }
  const listName = options.listName ?? 'revocations';
  if (typeof listName !== 'string' || listName.length === 0 || listName.length > 200) {
    throw new TypeError('cognito-guard: dynamoDbStore listName must be a non-empty string');
  }
  const pollIntervalMs = checkMs('pollIntervalMs', options.pollIntervalMs, 50, 600_000, 1_000);
  const timeoutMs = checkMs('timeoutMs', options.timeoutMs, 10, 60_000, 2_000);
  const gapTimeoutMs = checkMs('gapTimeoutMs', options.gapTimeoutMs, 0, 600_000, 2_000);
  const headKey = { pk: { S: `${listName}#head` }, sk: { N: '0' } };

  async function send<T>(command: unknown): Promise<T> {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new Error(`DynamoDB call timed out after ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return (await Promise.race([
        client.send(command, { abortSignal: abort.signal }),
        timeout,
      ])) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  async function readHead(): Promise<number> {
    const out = await send<{ Item?: Record<string, AttributeValue> }>(
      new GetItemCommand({ TableName: tableName, Key: headKey, ConsistentRead: true }),
    );
    if (out === null || typeof out !== 'object') throw new Error('DynamoDB answered garbage');
    const raw = out.Item?.['seq']?.N;
    if (out.Item === undefined) return 0;
    const seq = Number(raw);
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new Error('the revocation list head holds no usable sequence number');
    }
    return seq;
  }

  /** Reads entries numbered above `after`, in order; returns them with their numbers. */
  async function readAfter(after: number): Promise<Array<{ seq: number; raw: unknown }>> {
    const out: Array<{ seq: number; raw: unknown }> = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await send<{
        Items?: Array<Record<string, AttributeValue>>;
        LastEvaluatedKey?: Record<string, AttributeValue>;
      }>(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: { ':pk': { S: listName }, ':after': { N: String(after) } },
          ConsistentRead: true,
          Limit: 1000,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      if (page === null || typeof page !== 'object' || !Array.isArray(page.Items ?? [])) {
        throw new Error('DynamoDB answered a query with garbage');
      }
      for (const item of page.Items ?? []) {
        const seq = Number(item?.['sk']?.N);
        if (!Number.isSafeInteger(seq)) continue;
        out.push({ seq, raw: item['entry']?.S });
      }
      start = page.LastEvaluatedKey;
      if (out.length > MAX_ITEMS_PER_READ) throw new Error('the revocation list is too large');
    } while (start !== undefined);
    return out;
  }

  let sink: RevocationSink | undefined;
  let applied = 0;
  let loaded = false;
  let gapSince: number | undefined;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;

  async function reload(): Promise<void> {
    const sentAt = sink!.now();
    const head = await readHead();
    const items = await readAfter(0);
    sink!.apply(items.map((i) => i.raw));
    applied = head;
    loaded = true;
    gapSince = undefined;
    sink!.heard(sentAt);
  }

  async function poll(): Promise<void> {
    if (!loaded) return reload();
    const sentAt = sink!.now();
    const items = await readAfter(applied);
    sink!.apply(items.map((i) => i.raw));
    let next = applied;
    let gap = false;
    for (const { seq } of items) {
      if (seq === next + 1) next = seq;
      else if (seq > next + 1) {
        gap = true;
        break;
      }
    }
    applied = next;
    if (!gap) {
      gapSince = undefined;
      sink!.heard(sentAt);
      return;
    }
    gapSince ??= sentAt;
    if (sentAt - gapSince >= gapTimeoutMs) await reload();
  }

  function run(): Promise<void> {
    if (running === undefined) {
      running = poll()
        .catch((err: unknown) => {
          if (!closed) sink!.failed(err);
          throw err;
        })
        .finally(() => {
          running = undefined;
        });
    }
    return running;
  }

  return {
    name: 'dynamodb',
    intervalMs: pollIntervalMs,
    async add(entry) {
      const value = encodeEntry(entry);
      // Contention only between concurrent writers: retry a few times with a little jitter.
      for (let attempt = 0; attempt < 8; attempt++) {
        const head = await readHead();
        try {
          await send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: { ...headKey, seq: { N: String(head + 1) } },
                    ConditionExpression: 'attribute_not_exists(pk) OR seq = :head',
                    ExpressionAttributeValues: { ':head': { N: String(head) } },
                  },
                },
                {
                  Put: {
                    TableName: tableName,
                    Item: {
                      pk: { S: listName },
                      sk: { N: String(head + 1) },
                      entry: { S: value },
                      expiresAt: { N: String(Math.ceil(entry.expiresAt / 1000)) },
                    },
                  },
                },
              ],
            }),
          );
          return;
        } catch (err) {
          const name = (err as { name?: unknown })?.name;
          if (
            name !== 'TransactionCanceledException' &&
            name !== 'ConditionalCheckFailedException'
          ) {
            throw err;
          }
          await new Promise((r) =>
            setTimeout(r, 5 + Math.floor(Math.random() * 20 * (attempt + 1))),
          );
        }
      }
      throw new Error('the revocation list head kept moving: too many concurrent writers');
    },
    async start(s) {
      if (sink !== undefined) throw new Error('a DynamoDB store feeds one revocation list');
      sink = s;
      timer = setInterval(() => void run().catch(() => undefined), pollIntervalMs);
      timer.unref?.();
      await run();
    },
    sync() {
      return run();
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
