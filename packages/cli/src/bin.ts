#!/usr/bin/env node
import { runCli } from './inspect.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin.setEncoding('utf8'),
  stdout: process.stdout,
  stderr: process.stderr,
});
