// The broker's `/__admin/<secret>/metrics`: counters kept in memory, rendered in Prometheus'
// text exposition format (version 0.0.4). No secret, path secret or profile token ever becomes a label.

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

/** What the broker knows only at scrape time. */
export type Gauges = {
  leases: number;
  backoffsActive: number;
  wsOpen: number;
  rssBytes: number;
  uptimeSeconds: number;
};

/** In-memory counters; every method is O(1) on the request path. */
export class Metrics {
  private readonly requests = new Map<string, Sample>();
  private readonly rotations = new Map<string, Sample>();
  private readonly backoffs = new Map<string, Sample>();
  private sseOpen = 0;
  private sseTotal = 0;
  /** Event-loop lag of the last probe, in ms. */
  lagMs = 0;

  request(route: string, status: number): void {
    bump(this.requests, { route, status: String(status) });
  }

  rotation(kind: string): void {
    bump(this.rotations, { kind });
  }

  backoff(kind: string): void {
    bump(this.backoffs, { kind });
  }

  streamOpened(): void {
    this.sseOpen++;
    this.sseTotal++;
  }

  streamClosed(): void {
    this.sseOpen = Math.max(0, this.sseOpen - 1);
  }

  families(g: Gauges): MetricFamily[] {
    return [
      {
        name: "prodex_requests_total",
        help: "Requests answered, by route and HTTP status.",
        type: "counter",
        samples: [...this.requests.values()],
      },
      {
        name: "prodex_rotations_total",
        help: "Requests moved to another account before commit, by why the previous one failed.",
        type: "counter",
        samples: [...this.rotations.values()],
      },
      {
        name: "prodex_backoffs_total",
        help: "Accounts backed off, by kind.",
        type: "counter",
        samples: [...this.backoffs.values()],
      },
      {
        name: "prodex_backoffs_active",
        help: "Accounts resting now (backed off or out of quota until a reset).",
        type: "gauge",
        samples: [{ value: g.backoffsActive }],
      },
      {
        name: "prodex_leases",
        help: "Launches attached to this broker.",
        type: "gauge",
        samples: [{ value: g.leases }],
      },
      {
        name: "prodex_streams_open",
        help: "Answers streaming now, by transport.",
        type: "gauge",
        samples: [
          { labels: { transport: "sse" }, value: this.sseOpen },
          { labels: { transport: "ws" }, value: g.wsOpen },
        ],
      },
      {
        name: "prodex_sse_streams_total",
        help: "Committed SSE answers streamed.",
        type: "counter",
        samples: [{ value: this.sseTotal }],
      },
      {
        name: "process_resident_memory_bytes",
        help: "Resident set size of the broker process.",
        type: "gauge",
        samples: [{ value: g.rssBytes }],
      },
      {
        name: "prodex_event_loop_lag_seconds",
        help: "How late the last event-loop probe ran.",
        type: "gauge",
        samples: [{ value: this.lagMs / 1000 }],
      },
      {
        name: "prodex_uptime_seconds",
        help: "Seconds since the broker started.",
        type: "gauge",
        samples: [{ value: g.uptimeSeconds }],
      },
    ];
  }
}

function bump(map: Map<string, Sample>, labels: Record<string, string>): void {
  const key = Object.values(labels).join("\u0000");
  const s = map.get(key);
  if (s) s.value++;
  else map.set(key, { labels, value: 1 });
}
