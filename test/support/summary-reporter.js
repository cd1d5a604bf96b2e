// Ends the Jest output with one plain line, "N passed, N failed, N skipped", that any CI log reader can parse.
// A file that fails outside its tests (a hook such as afterAll, or a crash while loading) counts as one failure,
// so the line never says 0 failed when Jest exits with an error.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const failedOutsideTests = results.testResults.filter(
      (file) => file.testExecError !== undefined || (file.failureMessage && file.numFailingTests === 0),
    ).length;
    process.stderr.write(
      `\njest: ${numPassedTests} passed, ${numFailedTests + failedOutsideTests} failed, ` +
        `${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
