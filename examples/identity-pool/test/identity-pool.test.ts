import { appSyncIamResolverEvent, httpApiIamEvent, restIamEvent } from '@cognito-guard/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PostEvent } from '../src/appsync.js';
import { guest, member, ops, POOL, SUB, sample, USER_POOL } from './callers.js';

const PROVIDER = `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`;

let http: typeof import('../src/http.js');
let appsync: typeof import('../src/appsync.js');

beforeAll(async () => {
  process.env.IDENTITY_POOL_ID = POOL;
  process.env.USER_POOL_ID = USER_POOL;
  http = await import('../src/http.js');
  appsync = await import('../src/appsync.js');
});

describe('identity-pool example: the feed behind API Gateway IAM authorization', () => {
  it('lets a guest read the feed and refuses its post with 403', async () => {
    expect(await http.readFeed(httpApiIamEvent(guest))).toMatchObject({ statusCode: 200 });
    const refused = await http.writeFeed({
      ...restIamEvent(guest, { method: 'POST' }),
      body: 'hi',
    });
    expect(refused).toMatchObject({ statusCode: 403 });
  });

  it('lets a signed-in user post, as their user-pool sub', async () => {
    const created = await http.writeFeed({
      ...httpApiIamEvent(member, { method: 'POST' }),
      body: 'hello from a member',
    });
    expect(created).toMatchObject({ statusCode: 201 });
    expect(JSON.parse((created as { body: string }).body)).toEqual({
      author: SUB,
      text: 'hello from a member',
    });
  });

  it('refuses a plain IAM user on the guest path: it is not an identity-pool caller', async () => {
    expect(await http.readFeed(restIamEvent(ops))).toMatchObject({ statusCode: 403 });
  });

  it('refuses the HTTP API sample as is (amr ["foo"]) with 401', async () => {
    const response = await http.readFeed(sample('apigw-http-v2-proxy-iam-authorizer.json'));
    expect(response).toMatchObject({ statusCode: 401 });
  });

  it('drives the HTTP API sample with a user-pool login to a post', async () => {
    const event = sample('apigw-http-v2-proxy-iam-authorizer.json');
    event.requestContext.authorizer.iam.cognitoIdentity.amr = [
      'authenticated',
      PROVIDER,
      `${PROVIDER}:CognitoSignIn:${SUB}`,
    ];
    event.body = 'from the sample';
    expect(await http.writeFeed(event)).toMatchObject({ statusCode: 201 });
  });

  it('drives the REST sample as a guest: reads, cannot write', async () => {
    const event = sample('apigw-rest-proxy-iam-identity.json');
    Object.assign(event.requestContext.identity, {
      cognitoIdentityPoolId: POOL,
      cognitoIdentityId: 'us-east-1:00000000-0000-4000-8000-00000000cccc',
      cognitoAuthenticationType: 'unauthenticated',
      cognitoAuthenticationProvider: null,
    });
    expect(await http.readFeed(event)).toMatchObject({ statusCode: 200 });
    expect(await http.writeFeed(event)).toMatchObject({ statusCode: 403 });
  });

  it('does not say why in the body', async () => {
    const response = await http.writeFeed(restIamEvent(guest, { method: 'POST' }));
    expect(JSON.parse((response as { body: string }).body)).toEqual({
      message: 'Forbidden',
    });
  });
});

describe('identity-pool example: the feed as AppSync AWS_IAM resolvers', () => {
  it('lets a guest query the feed', async () => {
    const posts = await appsync.feed(appSyncIamResolverEvent(guest, { fieldName: 'feed' }));
    expect(Array.isArray(posts)).toBe(true);
  });

  it("refuses a guest's mutation with AppSync's own message", async () => {
    const event = appSyncIamResolverEvent(guest, {
      fieldName: 'post',
      parentTypeName: 'Mutation',
      arguments: { text: 'hi' },
    }) as unknown as PostEvent;
    await expect(appsync.post(event)).rejects.toMatchObject({
      code: 'CLAIM_CHECK',
      message: 'Not Authorized to access post on type Mutation',
    });
  });

  it('lets a signed-in user post', async () => {
    const event = appSyncIamResolverEvent(member, {
      fieldName: 'post',
      parentTypeName: 'Mutation',
      arguments: { text: 'graphql hello' },
    }) as unknown as PostEvent;
    expect(await appsync.post(event)).toEqual({ author: SUB, text: 'graphql hello' });
  });

  it('answers a batch of a guest and a signed-in user item by item', async () => {
    const postBy = (caller: typeof guest, text: string) =>
      appSyncIamResolverEvent(caller, {
        fieldName: 'post',
        parentTypeName: 'Mutation',
        arguments: { text },
      }) as unknown as PostEvent;
    expect(await appsync.post([postBy(guest, 'hi'), postBy(member, 'batched hello')])).toEqual([
      {
        data: null,
        errorType: 'Unauthorized',
        errorMessage: 'Not Authorized to access post on type Mutation',
      },
      { data: { author: SUB, text: 'batched hello' } },
    ]);
  });

  it('refuses the AppSync IAM sample identity (another identity pool): CLIENT_ID', async () => {
    const event = {
      identity: sample('appsync-identity-iam.json'),
      info: { fieldName: 'feed', parentTypeName: 'Query' },
    };
    await expect(appsync.feed(event)).rejects.toMatchObject({ code: 'CLIENT_ID' });
  });
});
