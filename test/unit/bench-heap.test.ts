/** The heap bench reads what the import holds from Node's `--trace-gc` lines (scripts/bench-heap.ts). */
import assert from "node:assert/strict";
import { heapMarkdown, liveHeapOf, type HeapRun } from "../../scripts/bench-heap";

describe("unit: the heap bench's reading of --trace-gc", () => {
  it("takes the heap after a full collection, and nothing from a scavenge", () => {
    assert.equal(liveHeapOf("[25129:0x6a1b000]    41027 ms: Mark-Compact 183.9 (201.2) -> 52.7 (70.3) MB, pooled: 0 MB, 25.10 / 0.01 ms  (average mu = 0.961, current mu = 0.958) allocation failure; GC in old space requested"), 52.7);
    assert.equal(liveHeapOf("[25129:0x6a1b000]      812 ms: Mark-Compact (reduce) 14.1 (18.0) -> 12.2 (15.5) MB, 4.2 / 0.0 ms  (average mu = 0.9) memory reducer"), 12.2);
    assert.equal(liveHeapOf("[25129:0x6a1b000]    41101 ms: Scavenge 70.1 (86.3) -> 55.2 (86.3) MB, 1.31 / 0.00 ms  (average mu = 0.961) allocation failure;"), null);
    assert.equal(liveHeapOf("12 Dec 13:00:05 - [info] Started flows"), null);
  });

  it("tells each cap's figures apart: the ratio is to the smallest shop under the same cap", () => {
    const run = (heapMb: number, orders: number, peakRssMb: number | null, liveHeapMb: number | null): HeapRun => ({ heapMb, orders, booked: orders, perSecond: 100, peakRssMb, liveHeapMb });
    const rows = heapMarkdown([run(512, 1000, 150, 40), run(512, 10000, 180, 52.66), run(100, 1000, 140, 39), run(100, 10000, null, null)], 3).split("\n").filter((l) => /^\| \d/.test(l));
    assert.deepEqual(rows, [
      "| 512 | 1,000 | 1,000 | 100.0 | 150 | 1.00 | 40.0 |",
      "| 512 | 10,000 | 10,000 | 100.0 | 180 | 1.20 | 52.7 |",
      "| 100 | 1,000 | 1,000 | 100.0 | 140 | 1.00 | 39.0 |",
      "| 100 | 10,000 | 10,000 | 100.0 | – | – | – |",
    ]);
  });
});
