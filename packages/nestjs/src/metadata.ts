import type { Policy } from '@cognito-guard/core';

/**
 * Route metadata of the decorators, read by the guard. Stored with `Reflect.defineMetadata`
 * (the reflect-metadata API Nest itself loads and uses for `SetMetadata`), so that a subclass of
 * a decorated controller inherits its rules: `Reflect.getMetadata` walks the prototype chain.
 */
export const PUBLIC = 'cognito-guard:public';
export const OPTIONAL = 'cognito-guard:optional';
export const POLICIES = 'cognito-guard:policies';

interface MetadataReflect {
  defineMetadata(key: string, value: unknown, target: object): void;
  getMetadata(key: string, target: object): unknown;
  getOwnMetadata(key: string, target: object): unknown;
}

function reflect(): MetadataReflect {
  const api = Reflect as unknown as Partial<MetadataReflect>;
  if (typeof api.defineMetadata !== 'function' || typeof api.getMetadata !== 'function') {
    // Nest loads reflect-metadata when @nestjs/core is imported; without it, fail loudly at
    // decoration time rather than guard nothing.
    throw new Error(
      "cognito-guard: the reflect-metadata API is missing: import 'reflect-metadata' (Nest does so in @nestjs/core)",
    );
  }
  return api as MetadataReflect;
}

/** A class, or the function of a decorated method. */
function targetOf(target: object, descriptor: PropertyDescriptor | undefined): object {
  if (descriptor === undefined) return target;
  const value: unknown = descriptor.value;
  if (typeof value !== 'function') {
    throw new TypeError('cognito-guard: route decorators apply to classes and methods');
  }
  return value;
}

/** A decorator usable on a controller class or on one of its route methods. */
export type RouteDecorator = ClassDecorator & MethodDecorator;

/** A decorator that sets one value on the class or method. */
export function setRouteMetadata(key: string, value: unknown): RouteDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    reflect().defineMetadata(key, value, targetOf(target, descriptor));
    return descriptor;
  }) as RouteDecorator;
}

/**
 * A decorator that adds a policy to the class or method. Several stack (every one must hold);
 * the list is the target's own, so a subclass adding a policy keeps its parent's too.
 */
export function addRoutePolicy(policy: Policy): RouteDecorator {
  return ((target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const api = reflect();
    const on = targetOf(target, descriptor);
    const own = api.getOwnMetadata(POLICIES, on) as readonly Policy[] | undefined;
    const inherited =
      own === undefined
        ? (api.getMetadata(POLICIES, on) as readonly Policy[] | undefined)
        : undefined;
    api.defineMetadata(POLICIES, Object.freeze([...(own ?? inherited ?? []), policy]), on);
    return descriptor;
  }) as RouteDecorator;
}

/** What the guard needs to know about a route: method first, then its class. */
export interface RouteRules {
  readonly isPublic: boolean;
  readonly optional: boolean | undefined;
  readonly policies: readonly Policy[];
}

/**
 * Reads the rules of a route handler and its controller. The nearer decorator wins: `@Public()`
 * on a method opens it even in a controller with policies (a health check in an admin
 * controller); `@Public()` on the class does not open a method that declares its own policy or
 * `@OptionalAuth()` (it wants to know who calls).
 */
export function routeRules(controller: object, handler: object): RouteRules {
  const api = reflect();
  const onMethod = (key: string): unknown => api.getMetadata(key, handler);
  const onClass = (key: string): unknown => api.getMetadata(key, controller);
  const list = (on: object) =>
    (api.getMetadata(POLICIES, on) as readonly Policy[] | undefined) ?? [];
  const methodPolicies = list(handler);
  const methodPublic = onMethod(PUBLIC);
  const methodOptional = onMethod(OPTIONAL);
  const isPublic =
    methodPublic === true ||
    (methodPublic === undefined &&
      onClass(PUBLIC) === true &&
      methodPolicies.length === 0 &&
      methodOptional === undefined);
  const optional = methodOptional ?? onClass(OPTIONAL);
  return {
    isPublic,
    optional: typeof optional === 'boolean' ? optional : undefined,
    policies: [...list(controller), ...methodPolicies],
  };
}
