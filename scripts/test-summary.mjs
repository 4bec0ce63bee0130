// Sums vitest JSON reports into one last line: "N passed, N failed[, N skipped]".
//
// Usage: node scripts/test-summary.mjs [label=]report.json ...
// With several reports (one per Node version), each gets its own line first, and the last line
// is the total. A missing or unreadable report counts as one failure, as does a test file that
// failed without a failed test (it did not even load), and so does a report in which no test
// passed or failed. Exits non-zero when anything failed.
import { existsSync, readFileSync } from 'node:fs';

/** One report's counts; a report that is missing or not JSON is one failure. */
function count(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const brokenFiles = (report.testResults ?? []).filter(
    (result) =>
      result.status === 'failed' && !result.assertionResults?.some((t) => t.status === 'failed'),
  ).length;
  const passed = report.numPassedTests ?? 0;
  const failed = (report.numFailedTests ?? 0) + brokenFiles;
  // A run that passed nothing and failed nothing proved nothing: count it as one failure.
  return {
    passed,
    failed: passed === 0 && failed === 0 ? 1 : failed,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

const line = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;

const args = process.argv.slice(2);
const reports = (args.length > 0 ? args : ['.vitest-report.json']).map((arg) => {
  const eq = arg.indexOf('=');
  return eq > 0 ? { label: arg.slice(0, eq), file: arg.slice(eq + 1) } : { label: arg, file: arg };
});

const total = { passed: 0, failed: 0, skipped: 0 };
for (const { label, file } of reports) {
  const counts = count(file);
  if (reports.length > 1) console.log(`${label}: ${line(counts)}`);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}
console.log(line(total));
process.exit(total.failed > 0 ? 1 : 0);
