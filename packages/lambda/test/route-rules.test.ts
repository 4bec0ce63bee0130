import { AuthError, type AuthResult, checkPolicy, requireGroups } from '@cognito-guard/core';
import { describe, expect, it } from 'vitest';
import { buildPolicy, evaluatePolicy } from '../src/iam-policy.js';
import { parseMethodArn } from '../src/method-arn.js';
import { compileRoutes } from '../src/route-rules.js';

/** A verified-token stand-in: route rules only read what policies read. */
function authWith(groups: string[]): AuthResult {
  return {
    claims: {} as AuthResult['claims'],
    tokenUse: 'access',
    userPoolId: 'us-east-1_Example',
    clientId: 'client',
    sub: 'sub-1',
    username: 'user',
    scopes: [],
    groups,
    isMachine: false,
    expiresAt: 0,
    federation: [],
    roles: { arns: [], preferred: undefined },
  };
}

describe('compileRoutes', () => {
  it('compiles methods, parameters and wildcards to IAM patterns', () => {
    const table = compileRoutes(
      {
        'GET /': 'authenticated',
        'GET /orders/{id}': 'authenticated',
        'DELETE /orders/*': 'authenticated',
        'ANY /admin/{proxy+}': 'authenticated',
        '* /x': 'authenticated',
        'POST /v1/items:batch': 'authenticated',
      },
      'deny',
    );
    expect(table.routes.map((r) => r.patterns)).toEqual([
      ['GET/'],
      ['GET/orders/*'],
      ['DELETE/orders/*'],
      [
        'GET/admin/*',
        'POST/admin/*',
        'PUT/admin/*',
        'PATCH/admin/*',
        'DELETE/admin/*',
        'HEAD/admin/*',
        'OPTIONS/admin/*',
      ],
      ['GET/x', 'POST/x', 'PUT/x', 'PATCH/x', 'DELETE/x', 'HEAD/x', 'OPTIONS/x'],
      ['POST/v1/items:batch'],
    ]);
  });

  it.each([
    ['get /orders', 'must look like'],
    ['GET orders', 'must look like'],
    ['GET  /orders', 'must look like'],
    ['TRACE /orders', 'must look like'],
    ['GET /orders//x', 'each path segment'],
    ['GET /orders/', 'each path segment'],
    ['GET /files/*.png', 'each path segment'],
    ['GET /orders/{id}x', 'each path segment'],
    ['GET /a?b', 'each path segment'],
    // An IAM policy variable in a path would be expanded by IAM, not matched literally.
    ['GET /$' + '{aws:username}', 'each path segment'],
    ['GET /{proxy+}/x', 'must come last'],
    [`GET /${'a'.repeat(300)}`, 'longer than 300'],
  ])('refuses the key %j at creation', (key, message) => {
    expect(() => compileRoutes({ [key]: 'authenticated' }, 'deny')).toThrow(message);
  });

  it('refuses rules that are not policies, and a bad default', () => {
    expect(() => compileRoutes({ 'GET /x': 'allow' as never }, 'deny')).toThrow('needs a policy');
    expect(() => compileRoutes({}, 'allow' as never)).toThrow('defaultPolicy');
    expect(() => compileRoutes([] as never, 'deny')).toThrow('routes must be an object');
  });

  it('emits a Deny only where an Allow overlaps the refused route', () => {
    const table = compileRoutes(
      {
        'GET /orders/*': 'authenticated',
        'GET /orders/*/secret': requireGroups('admin'),
        'POST /reports': requireGroups('admin'),
      },
      'deny',
    );
    const evaluation = table.evaluate(authWith([]));
    expect(evaluation.allow).toEqual(['GET/orders/*']);
    // POST/reports overlaps no Allow: the missing Allow already denies it.
    expect(evaluation.deny).toEqual(['GET/orders/*/secret']);
    expect(evaluation.refusal('GET/orders/1/secret')?.route).toBe('GET /orders/*/secret');
    expect(evaluation.refusal('GET/orders/1')).toBeUndefined();
    expect(evaluation.refusal('GET/elsewhere')).toEqual({
      error: expect.any(AuthError),
      route: undefined,
    });
  });

  it('allows every path of the seven verbs when unlisted routes are open and a rule refuses', () => {
    const table = compileRoutes({ 'DELETE /orders/*': requireGroups('admin') }, 'authenticated');
    const evaluation = table.evaluate(authWith([]));
    expect(evaluation.allow).toEqual([
      'GET/*',
      'POST/*',
      'PUT/*',
      'PATCH/*',
      'DELETE/*',
      'HEAD/*',
      'OPTIONS/*',
    ]);
    expect(evaluation.deny).toEqual(['DELETE/orders/*']);
  });

  it('uses the stage wildcard when nothing refuses the principal', () => {
    const table = compileRoutes({ 'DELETE /orders/*': requireGroups('admin') }, 'authenticated');
    const evaluation = table.evaluate(authWith(['admin']));
    expect(evaluation.allow).toEqual(['*/*']);
    expect(evaluation.deny).toEqual([]);
    expect(evaluation.refusal('PROPFIND/orders/1')).toBeUndefined();
  });

  describe('a method no rule can name (unnamed-method escalation)', () => {
    const arn = parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:api1/prod/GET/x');
    const base = 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/';
    const table = compileRoutes(
      { 'ANY /admin/{proxy+}': requireGroups('admin'), 'GET /me': 'authenticated' },
      'authenticated',
    );

    it.each(['PROPFIND', 'TRACE', 'CONNECT', 'MKCOL'])(
      'refuses %s /admin/x to a non-admin instead of falling to the wider default',
      (verb) => {
        const evaluation = table.evaluate(authWith(['staff']));
        const refusal = evaluation.refusal(`${verb}/admin/x`);
        expect(refusal?.error.code).toBe('GROUP_NOT_ALLOWED');
        expect(refusal?.route).toBe('ANY /admin/{proxy+}');
        // Elsewhere too: the refusal cannot depend on the path, which IAM cannot anchor.
        expect(evaluation.refusal(`${verb}/me`)?.error.code).toBe('GROUP_NOT_ALLOWED');
        // The IAM policy API Gateway caches says the same.
        const policy = buildPolicy(arn, evaluation.allow, evaluation.deny);
        expect(evaluatePolicy(policy, `${base}${verb}/admin/x`)).not.toBe('allow');
        expect(evaluatePolicy(policy, `${base}${verb}/me`)).not.toBe('allow');
        expect(evaluatePolicy(policy, `${base}GET/me`)).toBe('allow');
        expect(evaluatePolicy(policy, `${base}GET/admin/x`)).toBe('explicit-deny');
      },
    );

    it('allows it to a principal every rule and the default accept', () => {
      const evaluation = table.evaluate(authWith(['admin']));
      expect(evaluation.refusal('PROPFIND/admin/x')).toBeUndefined();
      const policy = buildPolicy(arn, evaluation.allow, evaluation.deny);
      expect(evaluatePolicy(policy, `${base}PROPFIND/admin/x`)).toBe('allow');
    });

    it('refuses it under the default policy when the default refuses', () => {
      const strict = compileRoutes({ 'ANY /admin/{proxy+}': requireGroups('admin') }, 'deny');
      const evaluation = strict.evaluate(authWith(['admin']));
      expect(evaluation.refusal('TRACE/admin/x')).toEqual({
        error: expect.any(AuthError),
        route: undefined,
      });
      const policy = buildPolicy(arn, evaluation.allow, evaluation.deny);
      expect(evaluatePolicy(policy, `${base}TRACE/admin/x`)).toBe('implicit-deny');
    });
  });

  it('treats an async policy as a refusal instead of an allow', () => {
    const asyncPolicy = (async () => undefined) as unknown as Parameters<typeof checkPolicy>[0];
    expect(checkPolicy(asyncPolicy, authWith([]))?.code).toBe('CLAIM_CHECK');
    const table = compileRoutes({ 'GET /x': asyncPolicy }, 'deny');
    expect(table.evaluate(authWith([])).refusal('GET/x')?.error.code).toBe('CLAIM_CHECK');
  });

  it('turns a policy that throws something else into CLAIM_CHECK', () => {
    const broken = () => {
      throw new RangeError('bug');
    };
    expect(checkPolicy(broken, authWith([]))?.code).toBe('CLAIM_CHECK');
  });
});

describe('buildPolicy', () => {
  const arn = parseMethodArn('arn:aws-cn:execute-api:cn-north-1:123456789012:api1/prod/GET/x');

  it('consolidates resources into one Allow and one Deny statement', () => {
    expect(buildPolicy(arn, ['GET/a', 'GET/b'], ['GET/a/secret'])).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'execute-api:Invoke',
          Effect: 'Allow',
          Resource: [
            'arn:aws-cn:execute-api:cn-north-1:123456789012:api1/prod/GET/a',
            'arn:aws-cn:execute-api:cn-north-1:123456789012:api1/prod/GET/b',
          ],
        },
        {
          Action: 'execute-api:Invoke',
          Effect: 'Deny',
          Resource: ['arn:aws-cn:execute-api:cn-north-1:123456789012:api1/prod/GET/a/secret'],
        },
      ],
    });
  });

  it('denies the whole stage when nothing is allowed', () => {
    expect(buildPolicy(arn, [], []).Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Deny',
        Resource: ['arn:aws-cn:execute-api:cn-north-1:123456789012:api1/prod/*/*'],
      },
    ]);
  });

  it('throws rather than emit a Resource over 512 characters', () => {
    const long = parseMethodArn(
      `arn:aws:execute-api:us-east-1:123456789012:api1/${'s'.repeat(250)}/GET/x`,
    );
    expect(() => buildPolicy(long, [`GET/${'p'.repeat(250)}`], [])).toThrow('512');
  });
});

describe('evaluatePolicy', () => {
  const base = 'arn:aws:execute-api:us-east-1:123456789012:api1/prod/';

  it('lets an explicit Deny beat an Allow', () => {
    const policy = buildPolicy(parseMethodArn(`${base}GET/x`), ['*/*'], ['DELETE/*']);
    expect(evaluatePolicy(policy, `${base}GET/orders`)).toBe('allow');
    expect(evaluatePolicy(policy, `${base}DELETE/orders/1`)).toBe('explicit-deny');
    expect(
      evaluatePolicy(buildPolicy(parseMethodArn(`${base}GET/x`), ['GET/a'], []), `${base}GET/b`),
    ).toBe('implicit-deny');
  });

  it('refuses policy elements it does not evaluate', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny' as const, NotResource: 'x' }],
    };
    expect(() => evaluatePolicy(policy, `${base}GET/x`)).toThrow('NotResource');
  });
});
