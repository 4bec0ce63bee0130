import { describe, expect, it } from 'vitest';

/** The demo run as each example's test runs it: `runDemo` from its src/demo.mjs. */
type RunDemo = (options: {
  check?: boolean;
  port?: number;
  write?: (line: string) => void;
}) => Promise<{ exitCode: number | undefined; demo: { url: string; close(): Promise<void> } }>;

/**
 * The checks both examples' demos must pass: the --check path and the printed curl lines.
 * `requests`: how many requests the example's demo sends (the Express one adds a sign-out).
 */
export function describeDemoChecks(title: string, runDemo: RunDemo, requests = 10): void {
  describe(title, () => {
    it('gets the expected answer to every request it prints', async () => {
      const lines: string[] = [];
      const { exitCode } = await runDemo({
        check: true,
        write: (line: string) => lines.push(line),
      });
      expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
      expect(lines.at(-1)).toBe(`demo check: ${requests}/${requests} answers as expected`);
      expect(exitCode).toBe(0);
    });

    it('prints ready-to-paste curl lines for a reader, an admin, an expired token and another pool', async () => {
      const lines: string[] = [];
      const { demo } = await runDemo({ port: 0, write: (line: string) => lines.push(line) });
      try {
        for (const name of ['READER', 'WRITER', 'ADMIN', 'EXPIRED', 'OTHER_POOL']) {
          expect(lines).toContainEqual(
            expect.stringMatching(new RegExp(`^export ${name}='eyJ[\\w.-]+'$`)),
          );
          expect(lines).toContainEqual(
            expect.stringContaining(`-H "Authorization: Bearer $${name}"`),
          );
        }
        expect(lines).toContain(`curl -i ${demo.url}/health`);
      } finally {
        await demo.close();
      }
    });
  });
}
