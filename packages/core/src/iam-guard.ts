import { checkErrorDetail, type ErrorDetail } from './errors.js';
import { type IamCaller, type IamIdentityOptions, iamCallerReader } from './iam-identity.js';
import { type IdentityPolicy, requireAuthenticated } from './identity-policy.js';
import { checkOptionKeys } from './option-keys.js';

/**
 * The options every IAM guard (`withIamAuth` of the Lambda and AppSync adapters) shares: the
 * identity pools, the identity policy, the refusal hook and what the client reads.
 *
 * @example
 * ```ts
 * interface MyIamOptions extends IamGuardOptions<MyDenialEvent> {
 *   readonly deny?: 'throw' | 'envelope' | undefined;
 * }
 * ```
 */
export interface IamGuardOptions<E> extends IamIdentityOptions {
  /** Who may call. Default `requireAuthenticated()`: signed-in identity-pool identities only. */
  readonly policy?: IdentityPolicy | undefined;
  /** Observability hook, called for every refusal; exceptions it throws are ignored. */
  readonly onEvent?: ((event: E) => void) | undefined;
  /** What the client reads of a refusal: `'generic'` (default) or `'code'`. */
  readonly errorDetail?: ErrorDetail | undefined;
}

/** What {@link iamGuardSettings} checked, ready for the guard's per-request code. */
export interface IamGuardSettings<E> {
  /** Reads the caller from an event (`iamCallerFromEvent` with the checked pools). */
  readonly read: (event: unknown) => IamCaller;
  readonly policy: IdentityPolicy;
  readonly onEvent: ((event: E) => void) | undefined;
  readonly errorDetail: ErrorDetail;
}

/**
 * Checks the arguments of an IAM guard once, at creation, so a misconfiguration is a
 * `TypeError` at cold start, never a refusal (or an Allow) per request: `handler` a function,
 * `options` an object with only the keys of `keys`, the identity pools valid, `policy` and
 * `onEvent` functions, `errorDetail` known. The default policy is `requireAuthenticated()`.
 *
 * @example
 * ```ts
 * const KEYS = optionKeys<MyIamOptions>({ identityPoolId: true, userPoolIds: true, policy: true, onEvent: true, errorDetail: true, deny: true });
 * const { read, policy, onEvent, errorDetail } = iamGuardSettings(handler, options, KEYS, 'withIamAuth');
 * ```
 */
export function iamGuardSettings<E>(
  handler: unknown,
  options: IamGuardOptions<E>,
  keys: ReadonlySet<string>,
  name: string,
): IamGuardSettings<E> {
  if (typeof handler !== 'function') {
    throw new TypeError('cognito-guard: handler must be a function');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('cognito-guard: options must be an object');
  }
  checkOptionKeys(options, keys, name);
  const read = iamCallerReader({
    identityPoolId: options.identityPoolId,
    ...(options.userPoolIds === undefined ? {} : { userPoolIds: options.userPoolIds }),
  });
  const policy = options.policy ?? requireAuthenticated();
  if (typeof policy !== 'function') throw new TypeError('cognito-guard: policy must be a function');
  const onEvent = options.onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') {
    throw new TypeError('cognito-guard: onEvent must be a function');
  }
  return { read, policy, onEvent, errorDetail: checkErrorDetail(options.errorDetail) };
}
