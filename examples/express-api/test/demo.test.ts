// @ts-expect-error the example is plain JavaScript, without type declarations

import { describeDemoChecks } from '../../demo-checks.js';
import { runDemo } from '../src/demo.mjs';

describeDemoChecks('pnpm demo --check (express)', runDemo, 12);
