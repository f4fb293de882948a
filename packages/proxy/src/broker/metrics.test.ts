import { describe, expect, test } from "bun:test";
import { Metrics, escapeLabel, prometheusText } from "./metrics.ts";

describe("escapeLabel", () => {
  test.each([
    ["plain", "plain"],
    ['say "hi"', 'say \\"hi\\"'],
    ["back\\slash", "back\\\\slash"],
    ["two\nlines", "two\\nlines"],
  ])("%p", (input, want) => expect(escapeLabel(input)).toBe(want));
});

describe("prometheusText", () => {
  test("HELP and TYPE once per family, one sample per line, labels quoted, a final newline", () => {
    const text = prometheusText([
      {
        name: "a_total",
        help: "As.",
        type: "counter",
        samples: [
          { labels: { route: "/x", status: "200" }, value: 3 },
          { labels: { route: '/"y"', status: "429" }, value: 1 },
        ],
      },
      { name: "b", help: "B.", type: "gauge", samples: [{ value: 0.5 }] },
      { name: "c", help: "Empty.", type: "counter", samples: [] },
    ]);
    expect(text).toBe(
      [
        "# HELP a_total As.",
        "# TYPE a_total counter",
        'a_total{route="/x",status="200"} 3',
        'a_total{route="/\\"y\\"",status="429"} 1',
        "# HELP b B.",
        "# TYPE b gauge",
        "b 0.5",
        "# HELP c Empty.",
        "# TYPE c counter",
        "",
      ].join("\n"),
    );
  });

  test.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "+Inf"],
    [Number.NEGATIVE_INFINITY, "-Inf"],
    [12, "12"],
  ])("value %p is written %p", (value, want) => {
    expect(prometheusText([{ name: "v", help: "v", type: "gauge", samples: [{ value }] }]).split("\n")[2]).toBe(
      `v ${want}`,
    );
  });
});

describe("Metrics", () => {
  test("counts requests by route and status, rotations and backoffs by kind, open streams", () => {
    const m = new Metrics();
    m.request("/backend-api/codex/responses", 200);
    m.request("/backend-api/codex/responses", 200);
    m.request("/backend-api/codex/responses", 429);
    m.rotation("quota");
    m.backoff("quota");
    m.streamOpened();
    m.streamOpened();
    m.streamClosed();
    const text = prometheusText(
      m.families({ leases: 2, backoffsActive: 1, wsOpen: 3, rssBytes: 1024, uptimeSeconds: 9 }),
    );
    for (const line of [
      'prodex_requests_total{route="/backend-api/codex/responses",status="200"} 2',
      'prodex_requests_total{route="/backend-api/codex/responses",status="429"} 1',
      'prodex_rotations_total{kind="quota"} 1',
      'prodex_backoffs_total{kind="quota"} 1',
      "prodex_backoffs_active 1",
      "prodex_leases 2",
      'prodex_streams_open{transport="sse"} 1',
      'prodex_streams_open{transport="ws"} 3',
      "prodex_sse_streams_total 2",
      "process_resident_memory_bytes 1024",
      "prodex_uptime_seconds 9",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
  });

  test("a close without an open never goes below zero", () => {
    const m = new Metrics();
    m.streamClosed();
    expect(
      prometheusText(m.families({ leases: 0, backoffsActive: 0, wsOpen: 0, rssBytes: 0, uptimeSeconds: 0 })),
    ).toContain('prodex_streams_open{transport="sse"} 0');
  });
});
