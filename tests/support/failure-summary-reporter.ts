/**
 * A vitest reporter that, after the default one, repeats what went wrong in a few lines: each
 * failed test, each file-level error, each unhandled error, with the first lines of its stack. A
 * CI service that keeps only the tail of a 20-minute log then still shows the cause, not just
 * "1 error". It prints nothing when the run passed.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Stack lines kept per error: enough to name the source, short enough for a log tail. */
const STACK_LINES = 8;

export default class FailureSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const lines: string[] = [];
    for (const module of testModules) {
      for (const error of module.errors()) lines.push(`file error in ${module.relativeModuleId}`, ...summarise(error));
      for (const test of module.children.allTests('failed')) {
        lines.push(`failed: ${module.relativeModuleId} > ${test.fullName}`);
        for (const error of test.result().errors ?? []) lines.push(...summarise(error));
      }
    }
    for (const error of unhandledErrors) {
      const where = typeof error.VITEST_TEST_PATH === 'string' ? ` while ${error.VITEST_TEST_PATH} ran` : '';
      const test = typeof error.VITEST_TEST_NAME === 'string' ? `, last test "${error.VITEST_TEST_NAME}"` : '';
      lines.push(`unhandled error${where}${test}`, ...summarise(error));
    }
    if (lines.length === 0) return;
    process.stdout.write(['', '── what failed (repeated from above) ──', ...lines, ''].join('\n') + '\n');
  }
}

function summarise(error: SerializedError): string[] {
  const head = `  ${error.name ?? 'Error'}: ${error.message}`;
  const stack = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, STACK_LINES)
    .map((line) => `    ${line.trim()}`);
  const cause = error.cause ? [`  caused by:`, ...summarise(error.cause).map((line) => `  ${line}`)] : [];
  return [head, ...stack, ...cause];
}
