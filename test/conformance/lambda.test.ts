import { lambdaDriver } from '../../packages/lambda/test/conformance-driver.js';
import { runConformance } from './run.js';

/**
 * The shared conformance table against the API Gateway authorizers: REST TOKEN, REST REQUEST,
 * HTTP API with simple responses and HTTP API with IAM policies, each handler invoked directly
 * with the event API Gateway would build for the request.
 *
 * A few cases describe what a Lambda authorizer never sees or cannot do; they are named below
 * with the reason and not run here. The exact AuthError code of every refusal is checked: the
 * authorizers report it through `onEvent`.
 */
const NO_OPTIONAL_MODE =
  'an authorizer has no optional mode: API Gateway answers 401 itself when the identity source is missing';

const NOT_APPLICABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  common: {
    'lets a request without a token through an optional route with no auth': NO_OPTIONAL_MODE,
    'lets another scheme through an optional route with no auth': NO_OPTIONAL_MODE,
  },
  'rest-token': {
    'answers 400 to a token in the header and in the query':
      'a TOKEN authorizer receives the token-source header value only, never the query string',
    'treats a query-only token as no credentials while query tokens are off':
      'a TOKEN authorizer receives the token-source header value only, never the query string',
  },
};

for (const kind of ['rest-token', 'rest-request', 'http-api-simple', 'http-api-iam'] as const) {
  runConformance(lambdaDriver(kind), {
    notApplicable: { ...NOT_APPLICABLE.common, ...NOT_APPLICABLE[kind] },
  });
}
