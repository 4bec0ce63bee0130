import {
  CognitoGuardConfigError,
  CognitoGuardRevocationTable,
  REVOCATION_TABLE_SCHEMA,
} from '@cognito-guard/cdk';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { backend, revocationStack, unbundledStack } from './stacks.js';

/** The policy statements attached to the role of the function whose logical id matches `fn`. */
function statementsOf(template: Template, fn: RegExp): Array<Record<string, unknown>> {
  const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
    fn.test(id),
  );
  expect(roles).toHaveLength(1);
  const roleId = roles[0]![0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p['Properties'] as { Roles: Array<{ Ref: string }> }).Roles.some((r) => r.Ref === roleId),
  );
  return policies.flatMap(
    (p) =>
      (p['Properties'] as { PolicyDocument: { Statement: Array<Record<string, unknown>> } })
        .PolicyDocument.Statement,
  );
}

/** Every DynamoDB action any statement grants. */
function dynamoActions(statements: Array<Record<string, unknown>>): string[] {
  return statements
    .flatMap((s) => (Array.isArray(s['Action']) ? s['Action'] : [s['Action']]) as string[])
    .filter((a) => a.startsWith('dynamodb:'))
    .sort();
}

const TABLE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^RevocationsTable'), 'Arn'] };

describe('CognitoGuardRevocationTable', () => {
  it('creates the table dynamoDbStore reads: pk String, sk Number, TTL on expiresAt', () => {
    const template = Template.fromStack(revocationStack());
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(REVOCATION_TABLE_SCHEMA).toEqual({
      partitionKey: 'pk',
      sortKey: 'sk',
      timeToLiveAttribute: 'expiresAt',
    });
  });

  it('keeps the table when the stack is deleted, unless told otherwise', () => {
    const kept = Template.fromStack(revocationStack());
    kept.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const stack = unbundledStack();
    new CognitoGuardRevocationTable(stack, 'Revocations', {
      removalPolicy: RemovalPolicy.DESTROY,
      pointInTimeRecovery: false,
      tableName: 'orders-revocations',
    });
    const dropped = Template.fromStack(stack);
    dropped.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        TableName: 'orders-revocations',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
      }),
    });
  });

  it('grants a polling function GetItem and Query on its list only, nothing that writes', () => {
    const template = Template.fromStack(revocationStack());
    const statements = statementsOf(template, /^AuthFunction.*Role/);
    expect(dynamoActions(statements)).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }),
      Condition: {
        'ForAllValues:StringEquals': {
          'dynamodb:LeadingKeys': ['revocations', 'revocations#head'],
        },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE_ARN }),
        ]),
      },
    });
  });

  it('grants a revoking function PutItem besides the reads, and no delete, update or scan', () => {
    const template = Template.fromStack(revocationStack());
    const statements = statementsOf(template, /^Backend.*Role/);
    expect(dynamoActions(statements)).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    for (const s of statements.filter((st) => dynamoActions([st]).length > 0)) {
      expect(s['Condition']).toEqual({
        'ForAllValues:StringEquals': {
          'dynamodb:LeadingKeys': ['revocations', 'revocations#head'],
        },
      });
    }
  });

  it('scopes the grants to every list the table holds', () => {
    const stack = unbundledStack();
    const table = new CognitoGuardRevocationTable(stack, 'Revocations', {
      listNames: ['orders', 'billing'],
    });
    table.grantPoll(backend(stack));
    const statements = statementsOf(Template.fromStack(stack), /^Backend.*Role/);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': ['orders', 'orders#head', 'billing', 'billing#head'],
          },
        },
      }),
    );
  });

  it.each([
    [[], 'listNames needs at least one list name'],
    [[''], 'listNames entries must be 1 to 200 characters'],
    [['a#head'], 'without "#"'],
    [['x'.repeat(201)], 'listNames entries must be 1 to 200 characters'],
  ])('refuses listNames %j at synth time', (listNames, message) => {
    const build = () =>
      new CognitoGuardRevocationTable(unbundledStack(), 'Revocations', { listNames });
    expect(build).toThrow(CognitoGuardConfigError);
    expect(build).toThrow(message);
  });
});
