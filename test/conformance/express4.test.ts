import { express4Driver } from '../../packages/express/test/conformance-driver.js';
import { runConformance } from './run.js';

runConformance(express4Driver);
