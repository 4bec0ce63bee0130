// src/routes.ts: the rules, imported by the handler AND by the stack, so the two cannot disagree.
import { requireGroups } from '@cognito-guard/core';
import type { RouteRules } from '@cognito-guard/lambda';

export const routes = {
  'GET /orders': 'authenticated',
  'DELETE /orders/{id}': requireGroups('admin'),
} satisfies RouteRules;

// Each rule key is one API route, so the answer may be cached per token and route.
export const cacheKey = 'route-key';
