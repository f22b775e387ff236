// Helpers of the upstream tests (issue 12): backends that answer their name, a document with one
// service balancing over one upstream, and counting answers.
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TestContext } from "node:test";
import { send, upstream } from "./helpers.js";

export interface Backend {
  name: string;
  /** host:port */
  target: string;
  /** answers 200 with the name, unless `behave` says otherwise */
  behave: (req: IncomingMessage, res: ServerResponse) => boolean;
  hits: number;
}

/** `n` backends on 127.0.0.1, named b0, b1, ... */
export async function backends(t: TestContext, n: number): Promise<Backend[]> {
  const list: Backend[] = [];
  for (let i = 0; i < n; i++) {
    const b: Backend = { name: `b${i}`, target: "", behave: () => false, hits: 0 };
    const url = await upstream(t, (req, res) => {
      b.hits++;
      if (b.behave(req, res)) return;
      res.end(b.name);
    });
    b.target = new URL(url).host;
    list.push(b);
  }
  return list;
}

/** A service on `/` balancing over upstream "pool" with these targets and upstream fields. */
export function poolDoc(
  targets: { target: string; weight?: number }[],
  upstreamFields: Record<string, unknown> = {},
  service: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    _format_version: "3.0",
    services: [
      { name: "svc", host: "pool", port: 80, ...service, routes: [{ name: "r", paths: ["/"] }] },
    ],
    upstreams: [{ name: "pool", targets, ...upstreamFields }],
  };
}

/** `n` requests; the answers' bodies, counted. */
export async function tally(
  url: string,
  n: number,
  headers: (i: number) => Record<string, string> = () => ({}),
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await send(url, { headers: headers(i) });
    assert.equal(r.status, 200, r.text);
    counts.set(r.text, (counts.get(r.text) ?? 0) + 1);
  }
  return counts;
}

/** Poll `probe` until it is true (generous: the machine may be loaded). */
export async function eventually(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}
