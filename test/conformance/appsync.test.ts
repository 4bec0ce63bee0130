import { appSyncAuthorizerDriver } from '../../packages/appsync/test/conformance-driver.js';
import { runConformance } from './run.js';

/**
 * The shared conformance table against the AppSync Lambda authorizer.
 *
 * Three cases describe HTTP transport that an AppSync authorizer never sees; they are named
 * below with the reason and not run here. The exact AuthError code of every refusal is
 * checked: the authorizer reports it through `onEvent`.
 */
const NOT_APPLICABLE: Readonly<Record<string, string>> = {
  'answers 400 to a token in the header and in the query':
    'AppSync passes no URL or query string to a Lambda authorizer: the query token cannot reach it',
  'lets a request without a token through an optional route with no auth':
    'a Lambda authorizer has no optional mode; anonymous access is another auth mode (API key, IAM)',
  'lets another scheme through an optional route with no auth':
    'a Lambda authorizer has no optional mode; anonymous access is another auth mode (API key, IAM)',
};

runConformance(appSyncAuthorizerDriver, { notApplicable: NOT_APPLICABLE });
