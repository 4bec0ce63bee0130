import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AuthorizerEvent, authorizerErrorCode } from '../src/index.js';

/** The AWS sample events in test/fixtures/aws-events (never edited; tests build modified copies). */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/aws-events/', import.meta.url));

/** A deep copy of one fixture event; fails loudly when the fixtures are missing. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  const path = `${FIXTURES}${name}`;
  if (!existsSync(path)) throw new Error(`AWS sample event not found: ${path}`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** What a handler threw, asserted to be exactly API Gateway's `Unauthorized`; returns its code. */
export async function unauthorizedCode(promise: Promise<unknown>): Promise<string | undefined> {
  let thrown: unknown;
  try {
    await promise;
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected the authorizer to throw, but it resolved');
  if (!(thrown instanceof Error)) throw new Error('expected an Error instance');
  // API Gateway answers 401 only for this exact message (AWS, "Use API Gateway Lambda
  // authorizers", the Node.js TOKEN example).
  if (thrown.message !== 'Unauthorized' || thrown.name !== 'Error') {
    throw new Error(
      `expected exactly Error('Unauthorized'), got ${thrown.name}: ${thrown.message}`,
    );
  }
  // Nothing else rides on the error: the Lambda runtime serialises name, message and stack.
  if (Object.keys(thrown).length !== 0 || thrown.cause !== undefined) {
    throw new Error('the Unauthorized error carries extra properties');
  }
  return authorizerErrorCode(thrown);
}

/** Collects an authorizer's events. */
export function eventLog(): { events: AuthorizerEvent[]; onEvent: (e: AuthorizerEvent) => void } {
  const events: AuthorizerEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

const globs = new Map<string, RegExp>();

function toRegExp(glob: string): RegExp {
  let re = globs.get(glob);
  if (re === undefined) {
    re = new RegExp(
      `^${glob
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
        .join('')}$`,
      's',
    );
    globs.set(glob, re);
  }
  return re;
}

/**
 * A small, independent IAM matcher for `execute-api:Invoke` policies, written for the tests
 * (not the package's): `*` matches any run of characters including `/`, `?` one character,
 * an explicit Deny beats an Allow, no Allow is a deny.
 */
export function iamAllows(policy: { Statement: readonly unknown[] }, arn: string): boolean {
  let allowed = false;
  for (const raw of policy.Statement) {
    const s = raw as { Effect: string; Action: string | string[]; Resource: string | string[] };
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    if (!actions.includes('execute-api:Invoke')) continue;
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => toRegExp(r).test(arn))) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed;
}
