import { createIdentityPoolVerifier, createVerifier, describeError } from '@cognito-guard/core';
import {
  createTestIdentityPool,
  createTestIssuer,
  type TestIdentityPool,
  type TestIssuer,
} from '@cognito-guard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASES,
  type CaseContext,
  type ConformanceCase,
  expectedOutcome,
  IDENTITY_CASES,
  IDENTITY_POOL_ID,
  IDENTITY_ROUTES,
  REALM,
  ROUTES,
  SECOND_IDENTITY_POOL_ID,
  USER_POOL_ID,
} from './cases.js';
import type { Driver, DriverApp, DriverMode, DriverRequest, Outcome } from './driver.js';

/** A clock the cases move by hand: epoch milliseconds. */
function manualClock(): CaseContext['clock'] {
  let current = Math.floor(Date.now() / 1000) * 1000;
  return {
    now: () => current,
    advance: (seconds) => {
      current += seconds * 1000;
    },
  };
}

/** Every compact JWT in a request, to check that none comes back in the answer. */
function tokensIn(request: DriverRequest): string[] {
  const text = [request.path, ...request.headers.map(([, value]) => value)].join('\n');
  return text.match(/eyJ[\w-]+\.[\w-]+\.[\w-]*/g) ?? [];
}

function checkHttp(
  c: Pick<ConformanceCase, 'code' | 'http'>,
  mode: DriverMode,
  outcome: Outcome,
): void {
  const { http } = c;
  const headers = outcome.headers ?? {};
  expect(outcome.status, 'HTTP status').toBe(http.status);
  if (c.code === null) {
    expect(outcome.handlerSawSub, 'the handler sees auth.sub').toBe(http.sub);
    return;
  }
  expect(outcome.handlerSawSub, 'the handler does not run').toBeUndefined();
  expect(headers['cache-control']).toBe('no-store');
  const challenge = headers['www-authenticate'];
  if (http.error === 'temporarily_unavailable') {
    // RFC 9110 §10.2.3: a 503 may say when to come back; no challenge, the token may be fine.
    expect(challenge).toBeUndefined();
    expect(headers['retry-after']).toMatch(/^[1-9]\d*$/);
  } else if (http.error === null) {
    // RFC 6750 §3: no credentials, so no error attribute.
    expect(challenge).toBe(`Bearer realm="${REALM}"`);
  } else {
    // The default description is the generic one of the error class: a client probing
    // forged tokens cannot tell which check failed (RFC 6750 §3 allows the attribute).
    expect(challenge).toMatch(
      new RegExp(
        `^Bearer realm="${REALM}", error="${http.error}", error_description="${describeError(c.code)}"`,
      ),
    );
    if (http.scope !== undefined) expect(challenge).toContain(`, scope="${http.scope}"`);
    else expect(challenge).not.toContain('scope=');
  }
  if (mode === 'respond') {
    // The small RFC 6750 body, never the precise code.
    const body = outcome.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      http.error === null ? ['error_description'] : ['error', 'error_description'],
    );
    if (http.error !== null) expect(body.error).toBe(http.error);
    expect(body.error_description).toBe(describeError(c.code));
  }
}

/** R34/R35: the answer never carries the token, or any part of it. */
function checkNoTokenEchoed(request: DriverRequest, outcome: Outcome): void {
  const answer = JSON.stringify([outcome.headers ?? {}, outcome.text ?? outcome.body ?? '']);
  for (const token of tokensIn(request)) {
    for (const part of token.split('.').filter((p) => p.length > 8)) {
      expect(answer).not.toContain(part);
    }
  }
}

/** Options of {@link runConformance}. */
export interface RunOptions {
  /**
   * Cases that cannot apply to this surface, by name, each with the reason (e.g. a Lambda
   * authorizer has no optional mode). They are not run on this surface (not skipped: there is
   * nothing to run), and the names are checked against the table so none can go stale.
   */
  readonly notApplicable?: Readonly<Record<string, string>>;
}

/**
 * Runs the conformance table against one driver, in each of its modes. Every case gets a
 * fresh verifier and a fresh app; the issuers and the clock are shared by the file.
 *
 * The exact AuthError code is checked in `pass-errors` mode, and in any mode where the driver
 * reports one (an authorizer's `onEvent`, for instance).
 *
 * A driver that accepts identity-pool OpenID tokens as bearer tokens (`startIdentity`) also
 * runs the identity-pool table (`IDENTITY_CASES`), each case with a fresh identity-pool
 * verifier and app.
 */
export function runConformance(driver: Driver, options: RunOptions = {}): void {
  const notApplicable = options.notApplicable ?? {};
  const clock = manualClock();
  let issuer: TestIssuer;
  let otherIssuer: TestIssuer;
  let identityPool: TestIdentityPool;

  beforeAll(async () => {
    issuer = await createTestIssuer({ userPoolId: USER_POOL_ID, clock: clock.now });
    otherIssuer = await createTestIssuer({ userPoolId: 'us-east-1_Conform2', clock: clock.now });
    identityPool = await createTestIdentityPool({
      identityPoolId: IDENTITY_POOL_ID,
      clock: clock.now,
    });
  });

  afterAll(async () => {
    await issuer?.close();
    await otherIssuer?.close();
    await identityPool?.close();
  });

  it(`${driver.name}: every case of the table runs, or is named with a reason`, () => {
    const names = new Set(CASES.map((c) => c.name));
    for (const name of Object.keys(notApplicable)) expect(names.has(name), name).toBe(true);
  });

  for (const mode of driver.modes) {
    describe(`${driver.name} conformance (${mode})`, () => {
      for (const c of CASES.filter((c) => notApplicable[c.name] === undefined)) {
        it(c.name, async () => {
          const verifier = createVerifier({
            userPoolId: issuer.userPoolId,
            clientId: issuer.clientId,
            tokenUse: 'access',
            jwksUri: issuer.jwksUri,
            clock: clock.now,
          });
          const ctx: CaseContext = { issuer, otherIssuer, identityPool, verifier, clock };
          let app: Awaited<ReturnType<Driver['start']>> | undefined;
          try {
            await c.arrange?.(ctx);
            app = await driver.start({ verifier, routes: ROUTES, realm: REALM, mode });
            const planned = await c.request(ctx);
            const request: DriverRequest = {
              method: 'GET',
              path: planned.query === undefined ? planned.path : `${planned.path}?${planned.query}`,
              headers: planned.headers ?? [],
            };
            const outcome = await app.send(request);

            expect(outcome.kind, 'outcome').toBe(expectedOutcome(driver.surface, c.code));
            if (mode === 'pass-errors' || driver.reportsCodes === true)
              expect(outcome.code, 'AuthError code').toBe(c.code ?? undefined);
            if (driver.surface !== 'http' && c.code === null && c.http.sub !== undefined) {
              expect(outcome.handlerSawSub, 'the principal the handler sees').toBe(c.http.sub);
            }
            if (driver.surface === 'http') checkHttp(c, mode, outcome);
            checkNoTokenEchoed(request, outcome);
          } finally {
            await app?.close();
            await c.restore?.(ctx);
          }
        });
      }
    });
  }

  const startIdentity = driver.startIdentity?.bind(driver);
  if (startIdentity === undefined) return;
  for (const mode of driver.modes) {
    describe(`${driver.name} identity-pool conformance (${mode})`, () => {
      for (const c of IDENTITY_CASES) {
        it(c.name, async () => {
          const identityVerifier = createIdentityPoolVerifier({
            identityPoolId: [IDENTITY_POOL_ID, SECOND_IDENTITY_POOL_ID],
            allowGuests: c.allowGuests ?? false,
            jwksUri: identityPool.jwksUri,
            clock: clock.now,
          });
          let app: DriverApp | undefined;
          try {
            app = await startIdentity({
              identityPool: identityVerifier,
              routes: IDENTITY_ROUTES,
              realm: REALM,
              mode,
            });
            const planned = await c.request({ identityPool, issuer, clock });
            const request: DriverRequest = {
              method: 'GET',
              path: planned.path,
              headers: planned.headers ?? [],
            };
            const outcome = await app.send(request);

            expect(outcome.kind, 'outcome').toBe(expectedOutcome(driver.surface, c.code));
            if (mode === 'pass-errors' || driver.reportsCodes === true)
              expect(outcome.code, 'AuthError code').toBe(c.code ?? undefined);
            if (driver.surface !== 'http' && c.code === null && c.http.sub !== undefined) {
              expect(outcome.handlerSawSub, 'the identity id the handler sees').toBe(c.http.sub);
            }
            if (driver.surface === 'http') checkHttp(c, mode, outcome);
            checkNoTokenEchoed(request, outcome);
          } finally {
            await app?.close();
          }
        });
      }
    });
  }
}
