import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Running the example's APPSYNC_JS code in Node, for tests.
 *
 * In AppSync the code is bundled with esbuild before upload (`@aws-appsync/utils` external).
 * Here each file is loaded with its two imports pointed at files instead:
 * `@cognito-guard/appsync/js` at the package's `js/guard.js` (the package does not export
 * that subpath yet), and `@aws-appsync/utils` at the copy the guard itself imports, so the
 * test and the guard share one `util` object, on which a stand-in for the runtime's
 * `util.unauthorized()` / `util.error()` is installed.
 */

const GUARD = fileURLToPath(new URL('../../../packages/appsync/js/guard.js', import.meta.url));
const requireFromGuard = createRequire(GUARD);
const UTILS = requireFromGuard.resolve('@aws-appsync/utils');

/** Thrown by the stand-in `util.unauthorized()`, as the runtime ends the handler. */
export class StandInUnauthorized extends Error {
  override readonly name = 'Unauthorized';
}

/** Thrown by the stand-in `util.error()`. */
export class StandInError extends Error {
  constructor(
    message: string,
    readonly errorType: string | undefined,
  ) {
    super(message);
  }
}

/** Installs the stand-in on the `util` object the guard imports. */
export function installStandInUtil(): void {
  const { util } = requireFromGuard('@aws-appsync/utils') as { util: Record<string, unknown> };
  util.unauthorized = (): never => {
    throw new StandInUnauthorized('Unauthorized');
  };
  util.error = (message: string, errorType?: string): never => {
    throw new StandInError(message, errorType);
  };
}

/** An APPSYNC_JS module: `request(ctx)` and `response(ctx)`. */
export interface AppSyncJsModule {
  request(ctx: Record<string, unknown>): unknown;
  response(ctx: Record<string, unknown>): unknown;
}

/** Loads one of the example's APPSYNC_JS files (path relative to the example root). */
export async function loadAppSyncJs(path: string): Promise<AppSyncJsModule> {
  const source = await readFile(new URL(`../${path}`, import.meta.url), 'utf8');
  const linked = source
    .replaceAll("'@cognito-guard/appsync/js'", JSON.stringify(pathToFileURL(GUARD).href))
    .replaceAll("'@aws-appsync/utils'", JSON.stringify(pathToFileURL(UTILS).href));
  const dir = await mkdtemp(join(tmpdir(), 'appsync-js-'));
  try {
    const file = join(dir, basename(path).replace(/\.js$/, '.mjs'));
    await writeFile(file, linked);
    return (await import(pathToFileURL(file).href)) as AppSyncJsModule;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How a handler ended: a value, or `util.unauthorized()` / `util.error()`. */
export type JsOutcome =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'error'; readonly message: string; readonly type: string | undefined };

/** Runs a handler and reports how it ended. */
export function runJs(handler: () => unknown): JsOutcome {
  try {
    return { kind: 'result', value: handler() };
  } catch (err) {
    if (err instanceof StandInUnauthorized) return { kind: 'unauthorized' };
    if (err instanceof StandInError)
      return { kind: 'error', message: err.message, type: err.errorType };
    throw err;
  }
}

/**
 * A simulator data source that runs an APPSYNC_JS pipeline function with a NONE data source:
 * `request(ctx)`, then `response(ctx)` with `ctx.result` = the request's `payload`. The
 * simulator has no JS runtime, so the outcome goes back as data and the function's VTL
 * response template ({@link JS_FUNCTION_RESPONSE}) raises it the way the runtime would.
 */
export function appSyncJsDataSource(module: AppSyncJsModule) {
  return async (ctx: Record<string, unknown>): Promise<JsOutcome> =>
    runJs(() => {
      const request = module.request(ctx) as { payload?: unknown } | undefined;
      return module.response({ ...ctx, result: request?.payload ?? null });
    });
}

/** Request template of a shimmed JS function: the context the JS code reads. */
export const JS_FUNCTION_REQUEST = `{"version":"2018-05-29","operation":"Invoke","payload":{
  "args":$util.toJson($ctx.arguments),"arguments":$util.toJson($ctx.arguments),
  "identity":$util.toJson($ctx.identity),"request":$util.toJson($ctx.request),
  "stash":$util.toJson($ctx.stash),"prev":$util.toJson($ctx.prev),
  "info":{"fieldName":"$ctx.info.fieldName","parentTypeName":"$ctx.info.parentTypeName"}}}`;

/** Response template of a shimmed JS function: what the APPSYNC_JS runtime does with its outcome. */
export const JS_FUNCTION_RESPONSE = `#if($ctx.error)$util.error($ctx.error.message, $ctx.error.type)#end
#if($ctx.result.kind == "unauthorized")$util.unauthorized()#end
#if($ctx.result.kind == "error")$util.error($ctx.result.message, $ctx.result.type)#end
$util.toJson($ctx.result.value)`;
