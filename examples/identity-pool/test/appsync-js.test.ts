import { fileURLToPath } from 'node:url';
import { util } from '@aws-appsync/utils';
import { appSyncIamResolverEvent, type TestIamCaller } from '@cognito-guard/testing';
import { ESLint } from 'eslint';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { google, guest, member, ops, POOL, SUB, sample, USER_POOL } from './callers.js';

/**
 * The example's APPSYNC_JS resolvers (src/appsync-js/), run in Node as the package's own
 * APPSYNC_JS guard is tested: imported as they are, with a stand-in for the runtime's `util`
 * (`@aws-appsync/utils` ships types only; its `util` is an empty object). As in AppSync,
 * `util.unauthorized()` and `util.error()` end the handler by throwing.
 */

// The identity pool and user pool of the API (its environment variables, `ctx.env`).
const env = { IDENTITY_POOL_ID: POOL, USER_POOL_ID: USER_POOL };

type Ctx = Record<string, unknown>;
interface Resolver {
  request(ctx: Ctx): unknown;
  response(ctx: Ctx): unknown;
}

class Unauthorized extends Error {}
class GraphQLError extends Error {
  constructor(
    message: string,
    readonly type: string | undefined,
  ) {
    super(message);
  }
}

beforeEach(() => {
  Object.assign(util, {
    unauthorized: (): never => {
      throw new Unauthorized('Unauthorized');
    },
    error: (message: string, type?: string): never => {
      throw new GraphQLError(message, type);
    },
    autoId: () => '0f0e0d0c-0000-4000-8000-000000000001',
    time: { nowISO8601: () => '2026-11-01T00:00:00.000Z' },
    dynamodb: {
      // Strings only: all the resolvers store.
      toMapValues: (values: Record<string, string>) =>
        Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { S: value }])),
    },
  });
});

/** What the handler did: its value, `unauthorized`, or `error:<type>`. */
function run(handler: () => unknown): unknown {
  try {
    return handler();
  } catch (err) {
    if (err instanceof Unauthorized) return 'unauthorized';
    if (err instanceof GraphQLError) return `error:${err.type}`;
    throw err;
  }
}

/** The `ctx` AppSync gives the resolver for an event: `args`, `identity`, `env`... */
function ctxOf(event: Ctx, args: Record<string, string> = {}, environment = env): Ctx {
  return { ...event, arguments: args, args, env: environment, stash: {} };
}

const kitCtx = (caller: TestIamCaller, fieldName: 'feed' | 'post', args = {}) =>
  ctxOf(
    appSyncIamResolverEvent(caller, {
      fieldName,
      parentTypeName: fieldName === 'feed' ? 'Query' : 'Mutation',
    }),
    args,
  );

let feed: Resolver;
let post: Resolver;

beforeAll(async () => {
  feed = (await import(new URL('../src/appsync-js/feed.js', import.meta.url).href)) as Resolver;
  post = (await import(new URL('../src/appsync-js/post.js', import.meta.url).href)) as Resolver;
});

const FEED_QUERY = {
  operation: 'Query',
  query: { expression: 'pk = :pk', expressionValues: { ':pk': { S: 'feed' } } },
  scanIndexForward: false,
  limit: 50,
};
const putBy = (author: string, text: string) => ({
  operation: 'PutItem',
  key: {
    pk: { S: 'feed' },
    sk: { S: '2026-11-01T00:00:00.000Z#0f0e0d0c-0000-4000-8000-000000000001' },
  },
  attributeValues: { author: { S: author }, text: { S: text } },
});

describe('identity-pool example: the feed as APPSYNC_JS resolvers (AWS_IAM)', () => {
  it('lets a guest read the feed', () => {
    expect(run(() => feed.request(kitCtx(guest, 'feed')))).toEqual(FEED_QUERY);
  });

  it('refuses a guest that writes', () => {
    expect(run(() => post.request(kitCtx(guest, 'post', { text: 'hi' })))).toBe('unauthorized');
  });

  it('lets a signed-in user write, as their user-pool sub', () => {
    const ctx = kitCtx(member, 'post', { text: 'hello from a member' });
    expect(run(() => post.request(ctx))).toEqual(putBy(SUB, 'hello from a member'));
  });

  it('lets a social login write, as its identity id', () => {
    const ctx = kitCtx(google, 'post', { text: 'hello' });
    expect(run(() => post.request(ctx))).toEqual(
      putBy('us-east-1:00000000-0000-4000-8000-00000000cccc', 'hello'),
    );
  });

  it('refuses a signed-in user of a user pool other than USER_POOL_ID', () => {
    const ctx = kitCtx(member, 'post', { text: 'hi' });
    expect(
      run(() => post.request({ ...ctx, env: { ...env, USER_POOL_ID: 'us-east-1_Other' } })),
    ).toBe('unauthorized');
  });

  it('refuses a plain IAM user, even on the guest path', () => {
    expect(run(() => feed.request(kitCtx(ops, 'feed')))).toBe('unauthorized');
    expect(run(() => post.request(kitCtx(ops, 'post', { text: 'hi' })))).toBe('unauthorized');
  });

  it('refuses an identity of another identity pool', () => {
    const stranger = { ...guest, identityPoolId: 'us-east-1:1f291106-8703-466b-8f2b-3ecee1ca56ce' };
    expect(run(() => feed.request(kitCtx(stranger, 'feed')))).toBe('unauthorized');
  });

  it('answers an empty post with a BadRequest error, not a write', () => {
    expect(run(() => post.request(kitCtx(member, 'post', { text: '' })))).toBe('error:BadRequest');
  });

  it('returns the posts of the query, and raises a data source error', () => {
    const items = [{ pk: 'feed', sk: 's', author: SUB, text: 'hello' }];
    expect(feed.response({ result: { items } })).toEqual([{ author: SUB, text: 'hello' }]);
    const failed = { error: { message: 'throttled', type: 'DynamoDB:ThrottlingException' } };
    expect(run(() => feed.response(failed))).toBe('error:DynamoDB:ThrottlingException');
    expect(post.response({ result: { pk: 'feed', author: SUB, text: 'x' } })).toEqual({
      author: SUB,
      text: 'x',
    });
  });
});

describe('identity-pool example: APPSYNC_JS resolvers on the public sample events', () => {
  // The AWS_IAM identity sample (aws/aws-lambda-go testdata): authenticated through
  // "providerABC", identity pool "identitypoolid123".
  const iamIdentity = () => sample('appsync-identity-iam.json');
  const fieldCtx = (identity: Ctx, fieldName: string, args = {}, environment = env) =>
    ctxOf({ identity, info: { fieldName, parentTypeName: 'Query' } }, args, environment);

  it('refuses the sample identity as is: another identity pool', () => {
    expect(run(() => feed.request(fieldCtx(iamIdentity(), 'feed')))).toBe('unauthorized');
  });

  it("lets the sample identity read and write on an API of the sample's pool", () => {
    const samplePool = { ...env, IDENTITY_POOL_ID: 'identitypoolid123' };
    expect(run(() => feed.request(fieldCtx(iamIdentity(), 'feed', {}, samplePool)))).toEqual(
      FEED_QUERY,
    );
    const write = fieldCtx(iamIdentity(), 'post', { text: 'from the sample' }, samplePool);
    expect(run(() => post.request(write))).toEqual(putBy('identityid123', 'from the sample'));
  });

  it('edited to a guest of our pool: reads the feed, cannot write', () => {
    const identity = Object.assign(iamIdentity(), {
      cognitoIdentityPoolId: POOL,
      cognitoIdentityAuthType: 'unauthenticated',
      cognitoIdentityAuthProvider: null,
    });
    expect(run(() => feed.request(fieldCtx(identity, 'feed')))).toEqual(FEED_QUERY);
    expect(run(() => post.request(fieldCtx(identity, 'post', { text: 'hi' })))).toBe(
      'unauthorized',
    );
  });

  it('refuses the direct-resolver sample of a plain IAM user (aws/aws-lambda-rust-runtime)', () => {
    const event = sample('appsync-direct-resolver-iam-identity.json');
    expect(run(() => feed.request(ctxOf(event)))).toBe('unauthorized');
  });
});

describe('identity-pool example: APPSYNC_JS rules', () => {
  it('passes @aws-appsync/eslint-plugin (recommended rules)', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const results = await new ESLint({ cwd }).lintFiles(['src/appsync-js/']);
    expect(results.map((r) => r.filePath.split('/').at(-1)).sort()).toEqual(['feed.js', 'post.js']);
    expect(results.flatMap((r) => r.messages.map((m) => m.message))).toEqual([]);
  });
});
