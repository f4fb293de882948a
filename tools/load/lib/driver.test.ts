import { describe, expect, test } from "bun:test";
import { drive } from "./driver.ts";

describe("driver", () => {
  test("phases run in turn at their own concurrency, every request once", async () => {
    let inFlight = 0;
    const peaks: Record<string, number> = {};
    const { results, stoppedBy } = await drive(
      [
        { name: "a", concurrency: 1, requests: 3 },
        { name: "b", concurrency: 4, requests: 12 },
        { name: "c", concurrency: 1, requests: 2 },
      ],
      async (seq, _w, phase) => {
        inFlight++;
        peaks[phase] = Math.max(peaks[phase] ?? 0, inFlight);
        await Bun.sleep(2);
        inFlight--;
        return `${phase}${seq}`;
      },
      { deadline: performance.now() + 10_000 },
    );
    expect(stoppedBy).toBe("requests");
    expect(results).toHaveLength(17);
    expect(new Set(results).size).toBe(17);
    expect(peaks).toEqual({ a: 1, b: 4, c: 1 });
    expect(results.slice(0, 3)).toEqual(["a0", "a1", "a2"]);
  });

  test("a stop condition ends the run early and says so", async () => {
    let n = 0;
    const { results, stoppedBy } = await drive([{ name: "x", concurrency: 2, requests: 1000 }], async () => ++n, {
      deadline: performance.now() + 10_000,
      stop: () => n >= 10,
    });
    expect(stoppedBy).toBe("stopped");
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(results.length).toBeLessThan(13);
  });

  test("a past deadline sends nothing", async () => {
    const { results, stoppedBy } = await drive([{ name: "x", concurrency: 2, requests: 5 }], async () => 1, {
      deadline: performance.now() - 1,
    });
    expect(results).toEqual([]);
    expect(stoppedBy).toBe("duration");
  });
});
