import { describe, expect, test } from "bun:test";
import { escapeLabel, prometheusText } from "./prometheus-text.ts";

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
