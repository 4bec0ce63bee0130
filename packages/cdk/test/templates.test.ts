import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appSyncStack,
  httpCatchAllStack,
  httpStack,
  restStack,
  revocationStack,
} from './stacks.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cdkBin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cognito-guard-cdk-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('bundling the authorizer entry', () => {
  it('bundles with the local esbuild, no Docker, into an ESM file the runtime loads', async () => {
    // What `pnpm cdk synth` gives a project with esbuild as a dev dependency: its bin on PATH.
    const path = process.env.PATH;
    process.env.PATH = `${cdkBin}${delimiter}${path ?? ''}`;
    try {
      const outdir = join(work, 'cdk.out');
      const app = new App({ outdir });
      httpCatchAllStack(new Stack(app, 'Bundled'));
      app.synth();
      const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.'));
      expect(assets).toHaveLength(1);
      const bundle = join(outdir, assets[0]!, 'index.mjs');
      const mod = (await import(pathToFileURL(bundle).href)) as { handler: () => Promise<unknown> };
      await expect(mod.handler()).rejects.toThrow('Unauthorized');
    } finally {
      process.env.PATH = path;
    }
  });
});

/**
 * cfn-lint (https://github.com/aws-cloudformation/cfn-lint) checks the templates against the
 * CloudFormation resource specifications: the synthesized CDK stacks and the example's SAM
 * template. It is a Python tool; where it is not installed these tests are not registered at
 * all (they are not counted as passed), and one line says so.
 */
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 30_000 });
const available = cfnLint.status === 0;

/**
 * W3005 ("dependency already enforced by a GetAtt/Ref") is ignored for generated templates only:
 * aws-cdk-lib's `lambda.Function` always adds a `DependsOn` on its execution role next to the
 * `GetAtt` of the role's ARN, and the Serverless Framework a `DependsOn` on the authorizer next
 * to the `Ref` of it; cfn-lint reports the redundancy as a style warning, and it changes
 * nothing in the deployment. The hand-written SAM template is linted with every check.
 */
function lint(
  file: string,
  ignore: readonly string[] = [],
): { status: number | null; output: string } {
  const args = ignore.length > 0 ? ['--ignore-checks', ...ignore, '--', file] : [file];
  const result = spawnSync('cfn-lint', args, { encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

function writeTemplate(name: string, stack: Stack): string {
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON(), null, 2));
  return file;
}

if (available) {
  describe(`cfn-lint (${cfnLint.stdout.trim()})`, () => {
    it.each([
      ['REST API, TOKEN and REQUEST', restStack],
      ['HTTP API, route-key and IAM', httpStack],
      ['HTTP API, method-and-path on $default', httpCatchAllStack],
      ['AppSync, AWS_LAMBDA', appSyncStack],
      ['revocation table with poll and revoke grants', revocationStack],
    ] as const)('passes the synthesized %s stack', (name, build) => {
      const file = writeTemplate(name.replace(/\W+/g, '-'), build());
      expect(lint(file, ['W3005'])).toEqual({ status: 0, output: '' });
    });

    // serverless.yml is what the serverless-offline end-to-end test runs; `serverless package`
    // turns it into CloudFormation offline (no AWS account), which is what would be deployed.
    it('passes the CloudFormation serverless package generates from examples/lambda-authorizer', () => {
      const example = join(root, 'examples/lambda-authorizer');
      const home = mkdtempSync(join(work, 'home-'));
      const out = join(work, 'serverless-package');
      const result = spawnSync(
        join(example, 'node_modules/.bin/serverless'),
        ['package', '--package', out],
        {
          cwd: example,
          encoding: 'utf8',
          timeout: 120_000,
          env: {
            ...process.env,
            HOME: home,
            SLS_TELEMETRY_DISABLED: '1',
            USER_POOL_ID: 'us-east-1_Example',
            CLIENT_ID: 'app-client-id',
          },
        },
      );
      expect(result.status, `${result.stdout}${result.stderr}`.slice(-2000)).toBe(0);
      expect(lint(join(out, 'cloudformation-template-update-stack.json'), ['W3005'])).toEqual({
        status: 0,
        output: '',
      });
    }, 180_000);

    it('passes the SAM template of examples/lambda-authorizer', () => {
      expect(lint(join(root, 'examples/lambda-authorizer/template.yaml'))).toEqual({
        status: 0,
        output: '',
      });
    });
  });
} else {
  console.log('cfn-lint is unavailable: the CloudFormation templates were not linted');
}
