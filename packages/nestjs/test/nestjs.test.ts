import { anyOf, createVerifier, requireGroups, requireScopes } from '@cognito-guard/core';
import { createTestIssuer, type TestIssuer } from '@cognito-guard/testing';
import {
  Controller,
  Get,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  UseGuards,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Auth,
  Authorize,
  type AuthResult,
  CognitoGuard,
  CognitoGuardModule,
  type CognitoGuardModuleOptions,
  OptionalAuth,
  Public,
  RequireGroups,
  RequireScopes,
  RequireUser,
} from '../src/index.js';
import { bearer, PLATFORMS, type Running, startNest } from './helpers.js';

const now = Math.floor(Date.now() / 1000) * 1000;
const clock = () => now;
let issuer: TestIssuer;
let running: Running | undefined;

beforeAll(async () => {
  issuer = await createTestIssuer({ userPoolId: 'us-east-1_NestGuard', clock });
});

afterAll(async () => {
  await issuer?.close();
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

function options() {
  return {
    userPoolId: issuer.userPoolId,
    clientId: issuer.clientId,
    tokenUse: 'access' as const,
    jwksUri: issuer.jwksUri,
    clock,
  };
}

const subOf = (auth: AuthResult | undefined) => ({ sub: auth?.sub ?? null });

@Controller('reports')
@RequireScopes('reports/read')
class ReportsController {
  @Get('summary')
  summary(@Auth() auth: AuthResult) {
    return subOf(auth);
  }

  @Get('admin')
  @RequireGroups('admin')
  admin(@Auth() auth: AuthResult) {
    return subOf(auth);
  }

  @Get('health')
  @Public()
  health(@Auth() auth: AuthResult | undefined) {
    return subOf(auth);
  }

  @Get('either')
  @Authorize(anyOf(requireGroups('ops'), requireScopes('reports/all')))
  either(@Auth() auth: AuthResult) {
    return subOf(auth);
  }
}

@Controller('open')
@Public()
class OpenController {
  @Get()
  index(@Auth() auth: AuthResult | undefined) {
    return subOf(auth);
  }

  @Get('mine')
  @RequireUser()
  mine(@Auth() auth: AuthResult) {
    return subOf(auth);
  }

  @Get('feed')
  @OptionalAuth()
  feed(@Auth() auth: AuthResult | undefined) {
    return subOf(auth);
  }
}

/** A stand-in for `ConfigService` of @nestjs/config: the pattern is the same. */
@Injectable()
class FakeConfig {
  readonly values: Readonly<Record<string, string>> = { REALM: 'from-config' };
  get(key: string): string | undefined {
    return this.values[key];
  }
}

@Module({ providers: [FakeConfig], exports: [FakeConfig] })
class FakeConfigModule {}

describe.each(PLATFORMS)('CognitoGuard on the %s platform', (_name, platform) => {
  // Built when a test runs: the options need the issuer of beforeAll.
  const globalModule = () => {
    @Module({
      imports: [CognitoGuardModule.forRoot(options())],
      controllers: [ReportsController, OpenController],
      providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
    })
    class GlobalModule {}
    return GlobalModule;
  };

  it('applies the controller policy and the method policy together', async () => {
    running = await startNest(globalModule(), platform);
    const reader = await issuer.mintAccessToken({ scopes: ['reports/read'], sub: 'reader' });
    const admin = await issuer.mintAccessToken({
      scopes: ['reports/read'],
      groups: ['admin'],
      sub: 'boss',
    });
    const groupOnly = await issuer.mintAccessToken({ groups: ['admin'] });

    const ok = await running.get('/reports/summary', [bearer(reader)]);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ sub: 'reader' });

    const noGroup = await running.get('/reports/admin', [bearer(reader)]);
    expect(noGroup.status).toBe(403);
    expect(noGroup.headers['www-authenticate']).toMatch(
      /^Bearer realm="[^"]*", error="insufficient_scope"/,
    );
    expect(JSON.parse(noGroup.text)).toMatchObject({ error: 'insufficient_scope' });

    expect((await running.get('/reports/admin', [bearer(admin)])).status).toBe(200);
    // The controller's scope still applies to a method with its own policy.
    expect((await running.get('/reports/admin', [bearer(groupOnly)])).status).toBe(403);
  });

  it('answers 401 with a bare challenge and the RFC 6750 body when there is no token', async () => {
    running = await startNest(globalModule(), platform);
    const answer = await running.get('/reports/summary');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]*"$/);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(Object.keys(JSON.parse(answer.text))).toEqual(['error_description']);
  });

  it('opens a method marked @Public() inside a controller with policies', async () => {
    running = await startNest(globalModule(), platform);
    const answer = await running.get('/reports/health');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: null });
  });

  it('does not let @Public() on the controller open a method with its own policy', async () => {
    running = await startNest(globalModule(), platform);
    expect((await running.get('/open')).status).toBe(200);
    expect((await running.get('/open/mine')).status).toBe(401);
    const token = await issuer.mintAccessToken({ sub: 'someone' });
    expect(JSON.parse((await running.get('/open/mine', [bearer(token)])).text)).toEqual({
      sub: 'someone',
    });
  });

  it('lets an optional route through without a token and still refuses a bad one', async () => {
    running = await startNest(globalModule(), platform);
    const none = await running.get('/open/feed');
    expect(none.status).toBe(200);
    expect(JSON.parse(none.text)).toEqual({ sub: null });
    const bad = await running.get('/open/feed', [['Authorization', 'Bearer not-a-jwt']]);
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('checks a core policy given to @Authorize()', async () => {
    running = await startNest(globalModule(), platform);
    const ops = await issuer.mintAccessToken({ scopes: ['reports/read'], groups: ['ops'] });
    const plain = await issuer.mintAccessToken({ scopes: ['reports/read'] });
    expect((await running.get('/reports/either', [bearer(ops)])).status).toBe(200);
    expect((await running.get('/reports/either', [bearer(plain)])).status).toBe(403);
  });

  it('rejects a request.auth forged by a middleware on a public route', async () => {
    @Module({
      imports: [CognitoGuardModule.forRoot(options())],
      controllers: [OpenController],
      providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
    })
    class ForgingModule implements NestModule {
      configure(consumer: MiddlewareConsumer) {
        consumer
          .apply((req: { auth?: unknown }, _res: unknown, next: () => void) => {
            req.auth = { sub: 'forged' };
            next();
          })
          .forRoutes('*');
      }
    }
    running = await startNest(ForgingModule, platform);
    const answer = await running.get('/open');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ sub: null });
  });

  it('guards one controller with @UseGuards and leaves the others alone', async () => {
    @Controller('guarded')
    @UseGuards(CognitoGuard)
    class GuardedController {
      @Get()
      index(@Auth() auth: AuthResult) {
        return subOf(auth);
      }
    }
    @Controller('free')
    class FreeController {
      @Get()
      index() {
        return { free: true };
      }
    }
    @Module({
      imports: [CognitoGuardModule.forRoot(options())],
      controllers: [GuardedController, FreeController],
    })
    class PerControllerModule {}
    running = await startNest(PerControllerModule, platform);
    expect((await running.get('/guarded')).status).toBe(401);
    expect((await running.get('/free')).status).toBe(200);
    const token = await issuer.mintAccessToken({ sub: 'per-controller' });
    expect(JSON.parse((await running.get('/guarded', [bearer(token)])).text)).toEqual({
      sub: 'per-controller',
    });
  });

  it('takes its options from an injected configuration with forRootAsync', async () => {
    @Module({
      imports: [
        CognitoGuardModule.forRootAsync({
          imports: [FakeConfigModule],
          inject: [FakeConfig],
          useFactory: (config: FakeConfig) => ({
            ...options(),
            realm: config.get('REALM') ?? 'missing',
          }),
        }),
      ],
      controllers: [ReportsController],
      providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
    })
    class AsyncModule {}
    running = await startNest(AsyncModule, platform);
    const answer = await running.get('/reports/summary');
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="from-config"');
  });

  it('answers 503 with Retry-After when the keys cannot be fetched', async () => {
    @Module({
      imports: [
        CognitoGuardModule.forRoot({
          verifier: createVerifier({
            ...options(),
            jwksUri: 'http://127.0.0.1:9/.well-known/jwks.json',
          }),
        }),
      ],
      controllers: [ReportsController],
      providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
    })
    class DownModule {}
    running = await startNest(DownModule, platform);
    const token = await issuer.mintAccessToken({ scopes: ['reports/read'] });
    const answer = await running.get('/reports/summary', [bearer(token)]);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(answer.text).not.toContain(token);
  });
});

describe('CognitoGuardModule', () => {
  it('refuses an unknown option when forRoot is called', () => {
    expect(() =>
      CognitoGuardModule.forRoot({
        ...options(),
        optinal: true,
      } as unknown as CognitoGuardModuleOptions),
    ).toThrow(/optinal/);
  });

  it('refuses forRootAsync without a factory', () => {
    expect(() =>
      CognitoGuardModule.forRootAsync({} as Parameters<typeof CognitoGuardModule.forRootAsync>[0]),
    ).toThrow(TypeError);
  });

  it('fails at bootstrap when the factory returns bad options', async () => {
    @Module({
      imports: [
        CognitoGuardModule.forRootAsync({
          useFactory: () => ({ ...options(), realm: 42 }) as never,
        }),
      ],
      controllers: [ReportsController],
      providers: [{ provide: APP_GUARD, useClass: CognitoGuard }],
    })
    class BadModule {}
    await expect(startNest(BadModule, PLATFORMS[0][1])).rejects.toThrow(/realm/);
  });

  it('fails at bootstrap when the guard is used without the module', async () => {
    @Controller()
    @UseGuards(CognitoGuard)
    class Lonely {
      @Get()
      index() {
        return {};
      }
    }
    @Module({ controllers: [Lonely] })
    class NoModule {}
    await expect(startNest(NoModule, PLATFORMS[0][1])).rejects.toThrow();
  });
});
