import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMethodArn, stageWildcard } from '../src/index.js';
import { fixture } from './helpers.js';

describe('parseMethodArn', () => {
  it('parses the captured REST TOKEN event ARN', () => {
    const { methodArn } = fixture<{ methodArn: string }>('apigw-rest-token-authorizer.json');
    expect(parseMethodArn(methodArn)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      apiId: 'puhdx84jy9',
      stage: 'prod',
      resource: 'POST/lambda-token',
      method: 'POST',
      path: '/lambda-token',
      prefix: 'arn:aws:execute-api:eu-west-1:123456789012:puhdx84jy9/prod/',
    });
  });

  it('parses the docs example with stage * and the root resource', () => {
    const { methodArn } = fixture<{ methodArn: string }>(
      'apigw-rest-token-authorizer-docs-example.json',
    );
    const arn = parseMethodArn(methodArn);
    expect(arn.stage).toBe('*');
    expect(arn.method).toBe('GET');
    expect(arn.path).toBe('/');
    expect(arn.resource).toBe('GET/');
  });

  it('parses an HTTP API routeArn with the $default stage', () => {
    const { routeArn } = fixture<{ routeArn: string }>('apigw-http-v2-authorizer.json');
    const arn = parseMethodArn(routeArn);
    expect(arn.stage).toBe('$default');
    expect(arn.resource).toBe('POST/lambda');
    expect(stageWildcard(arn)).toBe(
      'arn:aws:execute-api:eu-west-1:123456789012:lsw1ro4ipb/$default/*/*',
    );
  });

  it('parses a WebSocket $connect ARN, which has no verb and no path', () => {
    const { methodArn } = fixture<{ methodArn: string }>('apigw-websocket-connect-authorizer.json');
    const arn = parseMethodArn(methodArn);
    expect(arn.resource).toBe('$connect');
    expect(arn.method).toBeUndefined();
    expect(arn.path).toBeUndefined();
    // `{stage}/*/*` would not match `{stage}/$connect`: the WebSocket wildcard is `{stage}/*`.
    expect(stageWildcard(arn)).toBe(
      'arn:aws:execute-api:us-east-1:123456789012:abcdef123/default/*',
    );
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws', 'eu-central-2'],
  ])('keeps the %s partition in the prefix', (partition, region) => {
    const arn = parseMethodArn(
      `arn:${partition}:execute-api:${region}:123456789012:a1b2c3/prod/GET/x`,
    );
    expect(arn.partition).toBe(partition);
    expect(arn.prefix).toBe(`arn:${partition}:execute-api:${region}:123456789012:a1b2c3/prod/`);
  });

  it('splits on the first five colons only, keeping colons in the path', () => {
    const arn = parseMethodArn(
      'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/POST/items/i-1:archive/v:2',
    );
    expect(arn.path).toBe('/items/i-1:archive/v:2');
    expect(arn.accountId).toBe('123456789012');
  });

  it("accepts serverless-offline's fake account and API ids", () => {
    const arn = parseMethodArn(
      'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/GET/rest/orders/{id}',
    );
    expect(arn.accountId).toBe('random-account-id');
    expect(arn.path).toBe('/rest/orders/{id}');
  });

  it.each([
    ['', 'missing'],
    ['arn:aws:s3:::bucket/key', 'service'],
    ['arn:aws:execute-api:us-east-1:123456789012:api', 'stage'],
    ['arn:aws:execute-api:us-east-1:123456789012:api/prod/', 'empty resource'],
    ['arn:aws:execute-api:us-east-1:123456789012:api/prod/get/x', 'verb'],
    ['arn:evil:execute-api:us-east-1:123456789012:api/prod/GET/x', 'partition'],
    ['urn:aws:execute-api:us-east-1:123456789012:api/prod/GET/x', 'not an ARN'],
    [`arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/${'a'.repeat(1600)}`, '1600'],
  ])('rejects %j (%s)', (arn, reason) => {
    expect(() => parseMethodArn(arn)).toThrow(reason);
  });

  it('round-trips any path, including colons, stars and dollar signs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
        fc.constantFrom('prod', '$default', '*', 'v1'),
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.stringMatching(/^[A-Za-z0-9:*$._~-]{0,20}(\/[A-Za-z0-9:*$._~-]{0,20}){0,4}$/),
        (partition, stage, verb, path) => {
          const arn = parseMethodArn(
            `arn:${partition}:execute-api:us-east-1:123456789012:api1/${stage}/${verb}/${path}`,
          );
          expect(arn.partition).toBe(partition);
          expect(arn.stage).toBe(stage);
          expect(arn.method).toBe(verb);
          expect(arn.path).toBe(`/${path}`);
        },
      ),
      { numRuns: 200 },
    );
  });
});
