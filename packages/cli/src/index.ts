export type { CliIo } from './inspect.js';
export { EXIT, runCli, USAGE } from './inspect.js';
