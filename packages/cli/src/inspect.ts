import { parseArgs } from 'node:util';
import { describeError, type TokenUse } from '@cognito-guard/core';
import { type Inspection, inspectToken } from '@cognito-guard/core/http';

/**
 * `cognito-guard inspect`: decodes a token, runs every check of the verifier on it and says
 * which one refuses it. The token is read from the argument, or from standard input (`-` or no
 * argument) so that it stays out of the shell history. It is never printed back, and its
 * signature never appears in the output; the only request that leaves the machine is the
 * JWKS fetch of the pool (or of `--jwks-uri`, under core's rules: HTTPS, or loopback HTTP).
 */

/** Where the CLI reads and writes: the process's streams, or a test's. */
export interface CliIo {
  readonly stdin: AsyncIterable<string | Uint8Array> & { readonly isTTY?: boolean | undefined };
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** Exit codes: accepted, refused, usage or configuration error. */
export const EXIT = Object.freeze({ accepted: 0, refused: 1, usage: 2 });

export const USAGE = `Usage: cognito-guard inspect [<token> | -] --user-pool-id <id> --client-id <id> --token-use <access|id>
                            [--jwks-uri <uri>] [--json]

Decodes the token (header and claims, never the signature), fetches the pool's JWKS and runs
every check of the cognito-guard verifier, printing each with pass or fail and the precise
reason. Without <token>, or with -, the token is read from standard input, which keeps it out
of the shell history. Exits 0 when the token is accepted, 1 when it is refused, 2 on a usage
error.

  --user-pool-id   the user pool, e.g. us-east-1_Example
  --client-id      an allowed app client id (repeat for several); "any" skips the check
  --token-use      access, id, or any
  --jwks-uri       the JWKS to use instead of the pool's (an emulator on loopback)
  --json           one JSON object on standard output, for machines
`;

async function readAll(stream: CliIo['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    // A token is at most a few kilobytes; stop reading a runaway input.
    if (text.length > 1_048_576) break;
  }
  return text;
}

function usage(io: CliIo, message: string): number {
  io.stderr.write(`cognito-guard: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}

const MARK = { pass: 'PASS', fail: 'FAIL', skipped: 'SKIP' } as const;

function text(report: Inspection): string {
  const lines: string[] = [];
  const json = (value: unknown) =>
    JSON.stringify(value, null, 2)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
  lines.push('Header', report.header === undefined ? '  (not decoded)' : json(report.header));
  lines.push(
    report.accepted ? 'Claims (verified)' : 'Claims (NOT verified)',
    report.claims === undefined ? '  (not decoded)' : json(report.claims),
  );
  lines.push('', 'Checks');
  for (const check of report.checks) {
    const reason =
      check.outcome === 'fail'
        ? `${check.code}: ${describeError(check.code!, 'code')}${check.detail === undefined ? '' : ` (${check.detail})`}`
        : (check.detail ?? '');
    lines.push(`  ${MARK[check.outcome]}  ${check.name.padEnd(12)} ${reason}`.trimEnd());
  }
  lines.push('');
  if (report.accepted) lines.push('Verdict: ACCEPTED');
  else {
    const cause = report.cause === undefined ? '' : ` (${report.cause})`;
    lines.push(`Verdict: REFUSED ${report.code}: ${describeError(report.code!, 'code')}${cause}`);
  }
  lines.push('(The signature is never shown.)');
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the CLI with `argv` (the arguments after the program name) and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), process);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    return usage(io, err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(USAGE);
    return EXIT.accepted;
  }
  if (positionals[0] !== 'inspect') return usage(io, 'the only command is inspect');
  if (positionals.length > 2) return usage(io, 'give one token');
  const poolId = values['user-pool-id'];
  const clientIds = values['client-id'] ?? [];
  const tokenUse = values['token-use'];
  if (poolId === undefined) return usage(io, '--user-pool-id is required');
  if (clientIds.length === 0) return usage(io, '--client-id is required ("any" skips the check)');
  if (tokenUse !== 'access' && tokenUse !== 'id' && tokenUse !== 'any') {
    return usage(io, '--token-use must be access, id or any');
  }
  let token = positionals[1];
  if (token === undefined || token === '-') {
    if (io.stdin.isTTY === true) return usage(io, 'give the token, or pipe it to standard input');
    token = await readAll(io.stdin);
  }
  token = token.trim().replace(/^bearer\s+/i, '');
  if (token === '') return usage(io, 'no token');

  let report: Inspection;
  try {
    report = await inspectToken(token, {
      userPoolId: poolId,
      clientId: clientIds.includes('any') ? null : clientIds,
      tokenUse: tokenUse === 'any' ? null : (tokenUse as TokenUse),
      ...(values['jwks-uri'] === undefined ? {} : { jwksUri: values['jwks-uri'] }),
    });
  } catch (err) {
    // A configuration error (a pool id or JWKS URI that core refuses).
    return usage(io, err instanceof Error ? err.message : String(err));
  }
  if (values.json === true) {
    const { result: _result, ...rest } = report;
    io.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
  } else {
    io.stdout.write(text(report));
  }
  return report.accepted ? EXIT.accepted : EXIT.refused;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'user-pool-id': { type: 'string' },
      'client-id': { type: 'string', multiple: true },
      'token-use': { type: 'string' },
      'jwks-uri': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
