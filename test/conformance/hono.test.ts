import { honoFetchDriver, honoNodeDriver } from '../../packages/hono/test/conformance-driver.js';
import { runConformance } from './run.js';

runConformance(honoNodeDriver);
runConformance(honoFetchDriver);
