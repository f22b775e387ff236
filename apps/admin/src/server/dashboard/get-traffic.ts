import "server-only";
import { env } from "@/env";
import { db } from "@/server/db";

export interface Traffic {
  /** When the data planes were scraped (ms since epoch): the page computes rates between two scrapes. */
  at: number;
  /** Requests served so far, summed over the data planes. */
  total: number;
  statusClasses: Record<"2xx" | "3xx" | "4xx" | "5xx", number>;
  /** p95 of the whole request latency per route (ms), busiest routes first. */
  p95: { route: string; ms: number; requests: number }[];
  /** Data planes whose /metrics could not be read, with the reason. */
  unreachable: { id: string; reason: string }[];
}

const LINE = /^([a-z_]+)\{([^}]*)\}\s+([0-9.eE+-]+|\+Inf|NaN)$/;

function labels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** The 95th percentile from cumulative histogram buckets (upper bound of the bucket it falls in). */
function p95Of(buckets: { le: number; count: number }[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total === 0) return null;
  const target = total * 0.95;
  const bucket = sorted.find((b) => b.count >= target);
  if (!bucket) return null;
  return Number.isFinite(bucket.le)
    ? bucket.le * 1000
    : (sorted[sorted.length - 2]?.le ?? 0) * 1000;
}

/**
 * Traffic from every registered data plane's Prometheus /metrics (its control endpoint, cluster token):
 * requests by status class and p95 latency per route. Null when no data plane is registered or the
 * cluster token is not configured.
 */
export async function getTraffic(): Promise<Traffic | null> {
  const token = env().GATEHOUSE_CLUSTER_TOKEN;
  const planes = await db().dataPlane.findMany({ select: { id: true, controlAddress: true } });
  if (!token || planes.length === 0) return null;
  const statusClasses = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
  const perRoute = new Map<string, { requests: number; buckets: Map<number, number> }>();
  const unreachable: Traffic["unreachable"] = [];
  let total = 0;
  await Promise.all(
    planes.map(async (plane) => {
      if (!plane.controlAddress) {
        unreachable.push({ id: plane.id, reason: "no control address reported" });
        return;
      }
      let text: string;
      try {
        const url = new URL("/metrics", plane.controlAddress);
        const res = await fetch(url, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(2000),
        });
        if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
        text = await res.text();
      } catch (error) {
        unreachable.push({ id: plane.id, reason: (error as Error).message });
        return;
      }
      for (const line of text.split("\n")) {
        const m = LINE.exec(line.trim());
        if (!m) continue;
        const [, name, rawLabels, rawValue] = m;
        const l = labels(rawLabels!);
        const value = Number(rawValue);
        if (name === "gatehouse_requests_total") {
          total += value;
          const cls = `${(l.status ?? "0")[0]}xx` as keyof typeof statusClasses;
          if (cls in statusClasses) statusClasses[cls] += value;
          if (l.route && l.route !== "none") {
            const r = perRoute.get(l.route) ?? { requests: 0, buckets: new Map() };
            r.requests += value;
            perRoute.set(l.route, r);
          }
        } else if (name === "gatehouse_request_latency_seconds_bucket" && l.route && l.le) {
          const r = perRoute.get(l.route) ?? { requests: 0, buckets: new Map() };
          const le = l.le === "+Inf" ? Infinity : Number(l.le);
          r.buckets.set(le, (r.buckets.get(le) ?? 0) + value);
          perRoute.set(l.route, r);
        }
      }
    }),
  );
  const p95 = [...perRoute]
    .map(([route, r]) => ({
      route,
      requests: r.requests,
      ms: p95Of([...r.buckets].map(([le, count]) => ({ le, count }))),
    }))
    .filter((r): r is { route: string; requests: number; ms: number } => r.ms !== null)
    .sort((a, b) => b.requests - a.requests)
    .slice(0, 10);
  return { at: Date.now(), total, statusClasses, p95, unreachable };
}
