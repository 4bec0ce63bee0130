import {
  AuthError,
  allowGuests,
  describeError,
  type IamCaller,
  type IdentityPolicy,
  requireAuthenticated,
} from '@cognito-guard/core';
import { appSyncIamResolverEvent, type TestIamCaller } from '@cognito-guard/testing';
import { describe, expect, it } from 'vitest';
import { isDenial, type ResolverDenial, withIamAuth } from '../src/index.js';
import { fixture } from './helpers.js';

const POOL = 'us-east-1:0f291106-8703-466b-8f2b-3ecee1ca56ce';
const guest = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:guest',
  login: { kind: 'guest' },
} as const;
const event = appSyncIamResolverEvent(guest, { fieldName: 'post', parentTypeName: 'Mutation' });

describe('withIamAuth (AppSync)', () => {
  it("throws an AuthError with AppSync's message for a refused guest", async () => {
    const resolver = withIamAuth(async () => 'ok', { identityPoolId: POOL });
    await expect(resolver(event)).rejects.toMatchObject({
      code: 'CLAIM_CHECK',
      message: 'Not Authorized to access post on type Mutation',
    });
  });

  it('returns an envelope with deny: envelope, and reports the code', async () => {
    const codes: string[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      policy: requireAuthenticated(),
      deny: 'envelope',
      onEvent: (denial) => codes.push(denial.code),
    });
    expect(isDenial(await resolver(event))).toBe(true);
    expect(codes).toEqual(['CLAIM_CHECK']);
  });

  it("reports withAuth's ResolverDenial through onEvent, with the field", async () => {
    const denials: unknown[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      deny: 'envelope',
      onEvent: (denial) => denials.push(denial),
    });
    await resolver(event);
    expect(denials).toEqual([
      {
        code: 'CLAIM_CHECK',
        error: expect.objectContaining({ code: 'CLAIM_CHECK' }),
        fieldName: 'post',
        parentTypeName: 'Mutation',
        index: undefined,
      },
    ]);
    expect(() =>
      withIamAuth(async () => 'ok', { identityPoolId: POOL, onDenied: () => {} } as never),
    ).toThrow(/onDenied/);
  });

  it('refuses an event without identity: NO_CREDENTIALS', async () => {
    const codes: string[] = [];
    const resolver = withIamAuth(async () => 'ok', {
      identityPoolId: POOL,
      policy: allowGuests(),
      deny: 'envelope',
      onEvent: (denial) => codes.push(denial.code),
    });
    expect(await resolver({ ...event, identity: null })).toEqual({
      data: null,
      errorType: 'Unauthorized',
      errorMessage: 'Not Authorized to access post on type Mutation',
    });
    expect(codes).toEqual(['NO_CREDENTIALS']);
  });

  it('lets an allowed guest through with its caller', async () => {
    const resolver = withIamAuth(
      async (_event, caller) => (caller.kind === 'cognito-identity' ? caller.guest : null),
      { identityPoolId: POOL, policy: allowGuests() },
    );
    expect(await resolver(event)).toBe(true);
  });

  it('refuses bad options at creation', () => {
    expect(() =>
      withIamAuth(async () => 1, { identityPoolId: POOL, deny: 'log' as 'throw' }),
    ).toThrow(TypeError);
  });
});

const member: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:member',
  login: { kind: 'user-pool', userPoolId: 'us-east-1_Example', sub: 'member-sub' },
};
const ops: TestIamCaller = { kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' };

type PostEvent = { arguments: { text: string }; identity?: unknown };
const postBy = (caller: TestIamCaller, text: string) =>
  appSyncIamResolverEvent(caller, {
    fieldName: 'post',
    parentTypeName: 'Mutation',
    arguments: { text },
  }) as PostEvent;

/** Who wrote: the user-pool sub, the identity id, or the IAM principal's ARN. */
function authorOf(caller: IamCaller): string {
  if (caller.kind === 'iam') return caller.userArn ?? 'iam';
  return caller.userPool?.sub ?? caller.identityId;
}

/** A resolver that records whom it ran for and every refusal. */
function recording(options: Omit<Parameters<typeof withIamAuth>[1], 'onEvent' | 'identityPoolId'>) {
  const ran: string[] = [];
  const denials: ResolverDenial[] = [];
  const resolver = withIamAuth(
    async (event: PostEvent, caller) => {
      ran.push(authorOf(caller));
      return { author: authorOf(caller), text: event.arguments.text };
    },
    { identityPoolId: POOL, ...options, onEvent: (denial) => denials.push(denial) },
  );
  return { resolver, ran, denials };
}

/** `[index, code]` of each refusal, in batch order (items are admitted concurrently). */
function byIndex(denials: readonly ResolverDenial[]): [number | undefined, string][] {
  return denials
    .map((d): [number | undefined, string] => [d.index, d.code])
    .sort((a, b) => (a[0] ?? -1) - (b[0] ?? -1));
}

const refusedPost = {
  data: null,
  errorType: 'Unauthorized',
  errorMessage: 'Not Authorized to access post on type Mutation',
};

describe('withIamAuth (AppSync): batch events', () => {
  it('answers a guest and a signed-in user in one batch, each on its own identity', async () => {
    const { resolver, ran, denials } = recording({ policy: requireAuthenticated() });
    const answers = await resolver([postBy(guest, 'from a guest'), postBy(member, 'hello')]);
    expect(answers).toEqual([refusedPost, { data: { author: 'member-sub', text: 'hello' } }]);
    expect(ran).toEqual(['member-sub']);
    expect(denials.map((d) => [d.index, d.code, d.fieldName, d.parentTypeName])).toEqual([
      [0, 'CLAIM_CHECK', 'post', 'Mutation'],
    ]);
  });

  it('never throws for a batch, whatever deny says', async () => {
    for (const deny of ['throw', 'envelope'] as const) {
      const { resolver } = recording({ deny });
      expect(await resolver([postBy(guest, 'a'), postBy(guest, 'b')])).toEqual([
        refusedPost,
        refusedPost,
      ]);
    }
  });

  it('refuses a plain IAM caller in a batch where only identity-pool callers may read', async () => {
    const { resolver, ran, denials } = recording({ policy: allowGuests() });
    // The sample direct-resolver event of a plain IAM user (aws/aws-lambda-rust-runtime).
    const sample = fixture<PostEvent>('appsync-direct-resolver-iam-identity.json');
    sample.arguments = { text: 'from the sample' };
    const answers = await resolver([postBy(ops, 'ops'), sample, postBy(guest, 'guest')]);
    expect(answers).toEqual([
      refusedPost,
      {
        data: null,
        errorType: 'Unauthorized',
        errorMessage: 'Not Authorized to access greet on type Query',
      },
      { data: { author: 'us-east-1:guest', text: 'guest' } },
    ]);
    expect(ran).toEqual(['us-east-1:guest']);
    expect(byIndex(denials)).toEqual([
      [0, 'CLAIM_CHECK'],
      [1, 'CLAIM_CHECK'],
    ]);
  });

  it('hands a plain IAM caller to the handler when the policy admits it', async () => {
    // A back-office role that may post, next to signed-in users (and never guests).
    const opsOrMember: IdentityPolicy = (caller) => {
      if (caller.kind === 'iam' && caller.userArn === 'arn:aws:iam::123456789012:user/ops') return;
      if (caller.kind === 'cognito-identity' && !caller.guest) return;
      throw new AuthError('CLAIM_CHECK');
    };
    const { resolver, ran, denials } = recording({ policy: opsOrMember });
    const answers = await resolver([postBy(ops, 'maintenance'), postBy(guest, 'x')]);
    expect(answers).toEqual([
      { data: { author: 'arn:aws:iam::123456789012:user/ops', text: 'maintenance' } },
      refusedPost,
    ]);
    expect(ran).toEqual(['arn:aws:iam::123456789012:user/ops']);
    expect(byIndex(denials)).toEqual([[1, 'CLAIM_CHECK']]);
  });

  it('refuses each malformed item on its own: no identity, not an object, another pool', async () => {
    const { resolver, ran, denials } = recording({ policy: allowGuests() });
    const stranger = postBy(
      { ...guest, identityPoolId: 'us-east-1:1f291106-8703-466b-8f2b-3ecee1ca56ce' },
      'x',
    );
    const answers = await resolver([
      { ...postBy(member, 'x'), identity: null },
      null as unknown as PostEvent,
      stranger,
      postBy(member, 'kept'),
    ]);
    expect(answers).toEqual([
      refusedPost,
      { data: null, errorType: 'Unauthorized', errorMessage: 'Not Authorized' },
      refusedPost,
      { data: { author: 'member-sub', text: 'kept' } },
    ]);
    expect(ran).toEqual(['member-sub']);
    expect(byIndex(denials)).toEqual([
      [0, 'NO_CREDENTIALS'],
      [1, 'NO_CREDENTIALS'],
      [2, 'CLIENT_ID'],
    ]);
  });

  it("tells the precise code's text in each item with errorDetail: 'code'", async () => {
    const { resolver } = recording({ errorDetail: 'code' });
    const [answer] = await resolver([postBy(guest, 'x')]);
    expect(answer).toEqual({
      data: null,
      errorType: 'Unauthorized',
      errorMessage: `Not Authorized to access post on type Mutation: ${describeError('CLAIM_CHECK', 'code')}`,
    });
  });

  it('answers an empty batch with an empty list', async () => {
    const { resolver, denials } = recording({});
    expect(await resolver([])).toEqual([]);
    expect(denials).toEqual([]);
  });
});
