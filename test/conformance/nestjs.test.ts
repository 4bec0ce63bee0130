import { nestDrivers } from '../../packages/nestjs/test/conformance-driver.js';
import { runConformance } from './run.js';

for (const driver of nestDrivers) runConformance(driver);
