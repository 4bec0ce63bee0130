// Compiled by `pnpm typecheck`, never run. Each @ts-expect-error marks code that must not
// compile; if it ever does, tsc reports the directive as unused and the typecheck fails.
//
// A core policy is a function of the verified result, not an Express middleware nor a
// Fastify hook. Before policies took a second parameter of a type no framework passes,
// `app.get('/x', requireScopes('a'), handler)` matched Express's error-handler overload
// (`(err: any, req, res, next)`) and compiled; at run time every request got a 403 page.
import {
  type AuthResult,
  allOf,
  anyOf,
  requireGroups as corePolicyGroups,
  requireScopes as corePolicyScopes,
  requireUser as corePolicyUser,
  type Policy,
} from '@cognito-guard/core';
import * as expressGuards from '@cognito-guard/express';
import * as fastifyGuards from '@cognito-guard/fastify';
import express, { type Request, type Response, Router } from 'express';
import Fastify from 'fastify';

const handler = (_req: Request, res: Response): void => {
  res.json({ ok: true });
};

// Express: a core policy where a middleware goes does not compile, whatever the slot.
const app = express();
// @ts-expect-error a core policy is not an Express middleware
app.get('/orders', corePolicyScopes('orders/read'), handler);
// @ts-expect-error a core policy is not an Express middleware
app.use(corePolicyGroups('admin'));
// @ts-expect-error combinators are policies too
app.post('/orders', anyOf(corePolicyGroups('admin'), corePolicyUser()), handler);
const router = Router();
// @ts-expect-error a core policy is not an Express middleware, on a router either
router.delete('/:id', allOf(corePolicyUser()), handler);

// A policy the application writes, typed Policy, is caught the same way.
const tenantOnly: Policy = (auth: AuthResult) => {
  if (auth.claims['custom:tenant'] !== 'acme') throw new Error('other tenant');
};
// @ts-expect-error a Policy is not an Express middleware
app.get('/tenant', tenantOnly, handler);

// What compiles instead: the adapter's guards, or guard(policy).
app.get('/orders', expressGuards.requireScopes('orders/read'), handler);
app.get('/tenant', expressGuards.guard(tenantOnly), handler);
app.post('/orders', expressGuards.guard(anyOf(corePolicyGroups('admin'))), handler);

// Fastify: a core policy is not a hook either.
const fastify = Fastify();
// @ts-expect-error a core policy is not a Fastify hook
fastify.get('/orders', { preHandler: corePolicyScopes('orders/read') }, async () => 'ok');
// @ts-expect-error a core policy is not a Fastify hook
fastify.addHook('onRequest', corePolicyUser());

// What compiles instead: the adapter's guards as hooks, or core policies in config.auth.policy.
fastify.get(
  '/orders',
  { preHandler: fastifyGuards.requireScopes('orders/read') },
  async () => 'ok',
);
fastify.get('/tenant', { preHandler: fastifyGuards.guard(tenantOnly) }, async () => 'ok');
fastify.get(
  '/admin',
  { config: { auth: { policy: corePolicyGroups('admin') } } },
  async () => 'ok',
);

// Calling a policy with the verified result, as adapters and applications do, still compiles.
export function check(auth: AuthResult): void {
  corePolicyScopes('orders/read')(auth);
  tenantOnly(auth);
}
