import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  appSyncIamResolverEvent,
  httpApiIamEvent,
  restIamEvent,
  type TestIamCaller,
} from '@cognito-guard/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PostEvent } from '../src/appsync.js';

// The identity pool of the HTTP API sample event (aws/aws-lambda-go testdata).
const POOL = 'us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce';
const USER_POOL = 'us-east-1_Example';
const SUB = '8f0e2c4a-1b2c-4d5e-8f90-123456789abc';
const PROVIDER = `cognito-idp.us-east-1.amazonaws.com/${USER_POOL}`;

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/aws-events/', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: test copies of JSON samples, edited by path
function sample(name: string): any {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8'));
}

const guest: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:00000000-0000-4000-8000-00000000aaaa',
  login: { kind: 'guest' },
};
const member: TestIamCaller = {
  kind: 'identity',
  identityPoolId: POOL,
  identityId: 'us-east-1:00000000-0000-4000-8000-00000000bbbb',
  login: { kind: 'user-pool', userPoolId: USER_POOL, sub: SUB },
};
const ops: TestIamCaller = { kind: 'iam-user', userArn: 'arn:aws:iam::123456789012:user/ops' };

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

  it('refuses the AppSync IAM sample identity (another identity pool): CLIENT_ID', async () => {
    const event = {
      identity: sample('appsync-identity-iam.json'),
      info: { fieldName: 'feed', parentTypeName: 'Query' },
    };
    await expect(appsync.feed(event)).rejects.toMatchObject({ code: 'CLIENT_ID' });
  });
});
