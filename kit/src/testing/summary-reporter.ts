/**
 * Ends the run with one plain line, "tests: N passed, N failed", which CI reads to tell a
 * run that tested something from one that tested nothing.
 */
export default class SummaryReporter {
  onRunComplete(
    _contexts: unknown,
    results: { numPassedTests: number; numFailedTests: number; numPendingTests: number },
  ): void {
    const skipped = results.numPendingTests ? `, ${results.numPendingTests} skipped` : '';
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped}\n`);
  }
}
