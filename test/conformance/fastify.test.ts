import { fastifyDriver } from '../../packages/fastify/test/conformance-driver.js';
import { runConformance } from './run.js';

runConformance(fastifyDriver('config'));
runConformance(fastifyDriver('hooks'));
