import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The AWS sample events in test/fixtures/aws-events (never edited; tests build modified copies). */
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/aws-events/', import.meta.url));

/** A deep copy of one fixture event; fails loudly when the fixtures are missing. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  const path = `${FIXTURES}${name}`;
  if (!existsSync(path)) throw new Error(`AWS sample event not found: ${path}`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

type Pairs = readonly (readonly [string, string])[];

/** REST keeps the client's header casing; repeated headers are grouped case-insensitively. */
function restMaps(pairs: Pairs) {
  const multi: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of pairs) {
    const key = names.get(name.toLowerCase()) ?? name;
    names.set(name.toLowerCase(), key);
    multi[key] = [...(multi[key] ?? []), value];
  }
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!]));
  return { single, multi };
}

/**
 * The REST proxy sample event (captured behind a Cognito authorizer) as API Gateway would send
 * it for this path, headers and query: its own `Authorization` is replaced.
 */
export function restProxyEvent(
  path: string,
  headers: Pairs,
  rawQuery = '',
): Record<string, unknown> {
  const base = fixture('apigw-rest-proxy-cognito-authorizer.json');
  const baseHeaders = Object.entries(base.headers as Record<string, string>).filter(
    ([name]) => name.toLowerCase() !== 'authorization',
  );
  const h = restMaps([...baseHeaders, ...headers]);
  const q = restMaps([...new URLSearchParams(rawQuery)]);
  const hasQuery = rawQuery !== '';
  return {
    ...base,
    path,
    resource: path,
    httpMethod: 'GET',
    headers: h.single,
    multiValueHeaders: h.multi,
    queryStringParameters: hasQuery ? q.single : null,
    multiValueQueryStringParameters: hasQuery ? q.multi : null,
  };
}

/**
 * The HTTP API payload 2.0 sample event for this path, headers and query: header names
 * lower-cased, repeated headers and query values comma-joined (payload format 2.0).
 */
export function httpApiV2Event(
  path: string,
  headers: Pairs,
  rawQuery = '',
): Record<string, unknown> {
  const base = fixture('apigw-http-v2-proxy-jwt-authorizer.json');
  const joined: Record<string, string> = {};
  for (const [name, value] of [
    ...Object.entries(base.headers as Record<string, string>).filter(
      ([n]) => n !== 'authorization',
    ),
    ...headers,
  ]) {
    const key = name.toLowerCase();
    joined[key] = joined[key] === undefined ? value : `${joined[key]},${value}`;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQuery))
    query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const context = base.requestContext as Record<string, unknown>;
  return {
    ...base,
    routeKey: `GET ${path}`,
    rawPath: path,
    rawQueryString: rawQuery,
    headers: joined,
    ...(rawQuery === '' ? {} : { queryStringParameters: query }),
    requestContext: {
      ...context,
      http: { ...(context.http as object), method: 'GET', path },
    },
  };
}

/** An ALB target event (lambda-functions.html); `multi` for a target group with multi-value headers on. */
export function albEvent(path: string, headers: Pairs, multi = false): Record<string, unknown> {
  const requestContext = {
    elb: {
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/lambda/abc',
    },
  };
  const base = { requestContext, httpMethod: 'GET', path, body: '', isBase64Encoded: false };
  if (multi) {
    const m = restMaps(headers.map(([n, v]) => [n.toLowerCase(), v] as const)).multi;
    return { ...base, multiValueQueryStringParameters: {}, multiValueHeaders: m };
  }
  const single: Record<string, string> = {};
  for (const [n, v] of headers) single[n.toLowerCase()] = v;
  return { ...base, queryStringParameters: {}, headers: single };
}
