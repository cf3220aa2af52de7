/** Counting a run's returned messages (src/koppeling/report.ts): what ccv-snelstart-report sums up. */
import assert from "node:assert/strict";
import { type RunSummary, runDone, tally } from "../../src/koppeling/report";

const summary = (total = 0): RunSummary => ({ runId: "r1", trigger: "schedule", shopId: "shop", total, booked: 0, alreadyBooked: 0, failed: 0, runError: null, errors: [], incomplete: false, startedAt: "", finishedAt: "" });

describe("unit: a run's report", () => {
  it("counts booked, already booked and failed documents, and the run's own failure apart", () => {
    const s = summary(4);
    tally(s, { document: { ordernumber: 1 } });
    tally(s, { document: { ordernumber: 2 }, alreadyBooked: true });
    tally(s, { document: { ordernumber: 3 }, error: { code: "VAT_UNMAPPED_RATE", message: "7 %", source: { type: "vat-mapper" } } });
    tally(s, { end: true });
    assert.deepEqual([s.booked, s.alreadyBooked, s.failed, s.runError], [1, 1, 1, null]);
    assert.deepEqual(s.errors, [{ ordernumber: 3, code: "VAT_UNMAPPED_RATE", message: "7 %", stage: "vat-mapper" }]);
    assert.equal(runDone(s, true), false, "3 of 4 came back");
    tally(s, { document: { ordernumber: 4 }, error: {} });
    assert.equal(s.errors[1].code, "UNEXPECTED");
    assert.equal(runDone(s, false), false, "not before the run's number of documents is known");
    assert.equal(runDone(s, true), true);
  });

  it("a failure without a document is the run's: the run is over", () => {
    const s = summary();
    tally(s, { error: { code: "CCV_AUTH", message: "refused" } });
    assert.deepEqual([s.runError, s.failed], [{ code: "CCV_AUTH", message: "refused" }, 0]);
    assert.equal(runDone(s, false), true);
  });
});
