// Appends each jest run's totals to test-output/summary.jsonl so .ci/run can print one
// closing line for the unit and e2e runs together.
const { appendFileSync, mkdirSync } = require('fs');
const { join } = require('path');

class SummaryReporter {
  constructor(globalConfig) {
    this.dir = join(globalConfig.rootDir, 'test-output');
  }
  onRunComplete(_contexts, results) {
    mkdirSync(this.dir, { recursive: true });
    appendFileSync(
      join(this.dir, 'summary.jsonl'),
      JSON.stringify({ passed: results.numPassedTests, failed: results.numFailedTests, skipped: results.numPendingTests + results.numTodoTests, suitesFailed: results.numFailedTestSuites + (results.numRuntimeErrorTestSuites || 0) }) + '\n',
    );
  }
}
module.exports = SummaryReporter;
