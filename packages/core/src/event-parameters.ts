/**
 * Reading one parameter (a header, a query parameter) out of an API Gateway or ALB event, for
 * the adapters that take such events (Lambda authorizers, Middy). Events carry a single-value
 * map and, depending on the integration, a multi-value map; a header sent twice must be seen
 * twice, so that two `Authorization` headers are answered `400` (RFC 6750 §2), whichever map
 * carries them.
 */

/** A plain object (not null, not an array). */
export function isPlainRecord(value: unknown): value is { readonly [name: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(map: unknown, matches: (key: string) => boolean): string[] {
  if (!isPlainRecord(map)) return [];
  const out: string[] = [];
  for (const key of Object.keys(map)) {
    if (!matches(key)) continue;
    const value = map[key];
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') out.push(v);
    }
  }
  return out;
}

/**
 * Every string value of the parameters `matches` selects in one map (`headers`, or a map of
 * lists such as `multiValueHeaders`); anything that is not a string is skipped.
 *
 * @example
 * ```ts
 * const authorization = parameterValues(event.headers, (k) => k.toLowerCase() === 'authorization');
 * ```
 */
export function parameterValues(map: unknown, matches: (key: string) => boolean): string[] {
  return collect(map, matches);
}

/**
 * Every value of one parameter across the single-value and the multi-value maps. The
 * multi-value map is the complete one (API Gateway keeps only the last value of a repeated
 * header in `headers`); a single-value entry it does not list counts as one more value, so two
 * `Authorization` headers are seen as two even when only one map has both (REST REQUEST
 * events carry `headers` and `multiValueHeaders`:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
 *
 * @example
 * ```ts
 * const authorization = eventParameterValues(event.headers, event.multiValueHeaders, (k) => k.toLowerCase() === 'authorization');
 * ```
 */
export function eventParameterValues(
  single: unknown,
  multi: unknown,
  matches: (key: string) => boolean,
): string[] {
  const fromMulti = collect(multi, matches);
  const fromSingle = collect(single, matches);
  if (fromMulti.length === 0) return fromSingle;
  return [...fromMulti, ...fromSingle.filter((v) => !fromMulti.includes(v))];
}
