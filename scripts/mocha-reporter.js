// Mocha's spec output, plus the counts written to $COUNT_FILE for scripts/test.js.
// A pending (skipped) test counts as failed: a skipped test tests nothing.
"use strict";
const fs = require("fs");
const Mocha = require("mocha");

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, pending: 0 };
    runner.on("pass", () => counts.passed++);
    runner.on("fail", () => counts.failed++);
    runner.on("pending", () => counts.pending++);
    runner.once("end", () => {
      if (process.env.COUNT_FILE) fs.writeFileSync(process.env.COUNT_FILE, JSON.stringify(counts));
    });
  }
}
module.exports = CountingReporter;
