import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../test/fixtures/aws-events/', import.meta.url);

/** A fresh copy of one of the AWS sample events in test/fixtures/aws-events (never edited in place). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

/** The pool id the docs-derived resolver samples redact to an invalid `us-west-xxxxxxxxxxx`. */
export const SAMPLE_POOL_ID = 'us-west-2_SamplePool1';

/**
 * A resolver sample event whose redacted issuer (`.../us-west-xxxxxxxxxxx`, not a pool id) is
 * replaced by a well-formed one in the copy, as AppSync would send it.
 */
export function resolverFixture<T = Record<string, unknown>>(name: string): T {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8').replaceAll(
    'us-west-xxxxxxxxxxx',
    SAMPLE_POOL_ID,
  );
  return JSON.parse(text) as T;
}

/** A clock the test moves by hand: epoch milliseconds. */
export function manualClock(start = Date.UTC(2026, 10, 1)): {
  now: () => number;
  advance: (seconds: number) => void;
} {
  let current = start;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

/** A token whose payload was changed after signing: same header and signature. */
export function tamper(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}
