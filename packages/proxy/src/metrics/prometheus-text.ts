// Prometheus' text exposition format (version 0.0.4): the one renderer behind every `/metrics` (the proxy's,
// the broker's, a gateway instance's). What goes into a label is the collectors' care (metrics/*.ts).

/** `suffix`: a histogram's `_bucket`, `_sum` or `_count` after the family's name. */
export type Sample = { labels?: Record<string, string>; value: number; suffix?: "_bucket" | "_sum" | "_count" };
export type MetricFamily = { name: string; help: string; type: "counter" | "gauge" | "histogram"; samples: Sample[] };

/** Label values escape backslash, double quote and newline (the format's only escapes). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** Pure: families → exposition text (HELP and TYPE once per family, a sample per line). */
export function prometheusText(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
      lines.push(`${f.name}${s.suffix ?? ""}${text} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Pure: every sample of `families` with `labels` in front of its own (a gateway's `instance`). */
export function withLabels(families: MetricFamily[], labels: Record<string, string>): MetricFamily[] {
  return families.map((f) => ({ ...f, samples: f.samples.map((s) => ({ ...s, labels: { ...labels, ...s.labels } })) }));
}
