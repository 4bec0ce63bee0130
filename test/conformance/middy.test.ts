import { middyDriver } from '../../packages/middy/test/conformance-driver.js';
import { runConformance } from './run.js';

// The Middy middleware answers as the HTTP adapters do, inside a Lambda proxy result: the
// whole table applies to it, for REST proxy (payload 1.0) and HTTP API payload 2.0 events.
runConformance(middyDriver('rest'));
runConformance(middyDriver('http-api-v2'));
