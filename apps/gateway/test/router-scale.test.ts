// 10,000 routes (prefix paths, exact and wildcard hosts, methods, headers, a few hundred regexes):
// every match of the compiled router must equal what a naive scan over all routes, ranking with
// Kong's traditional_compatible rules, picks. Timing targets live in the benchmark, not here.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  compileRouter,
  type MatchInput,
  type Router,
  type RouteSpec,
} from "../src/router/router.js";

function buildRoutes(): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (let i = 0; i < 4000; i++) {
    routes.push({
      id: `host-${i}`,
      hosts: [`svc${i % 200}.example.com`],
      paths: [`/api/v${i % 5}/res${i}`],
    });
  }
  for (let i = 0; i < 3000; i++) {
    const r: RouteSpec = { id: `path-${i}`, paths: [`/p${i}/items`, `/p${i}`] };
    if (i % 3 === 0) r.methods = ["POST"];
    routes.push(r);
  }
  for (let i = 0; i < 1500; i++) {
    routes.push({
      id: `wild-${i}`,
      hosts: [`*.tenant${i}.example.net`, `tenant${i}.*`],
      paths: ["/"],
    });
  }
  for (let i = 0; i < 300; i++) {
    routes.push({ id: `regex-${i}`, paths: [`~/r${i % 100}/(?<id>\\d+)`], regex_priority: i % 3 });
  }
  for (let i = 0; i < 1000; i++) {
    routes.push({ id: `hdr-${i}`, headers: { "x-tenant": [`t${i % 50}`] }, paths: [`/p${i}`] });
  }
  for (let i = 0; i < 200; i++) {
    routes.push({ id: `catch-${i}`, hosts: [`svc${i}.example.com`], methods: ["GET"] });
  }
  return routes;
}

const regexCache = new Map<string, RegExp>();
function regexOf(p: string): RegExp {
  let re = regexCache.get(p);
  if (!re) regexCache.set(p, (re = new RegExp("^(?:" + p.slice(1) + ")")));
  return re;
}

/** Naive reference: scan everything, rank with Kong's rules, first listed wins a tie. */
function reference(
  routes: RouteSpec[],
  req: MatchInput,
): { id: string; matchedPath: string } | null {
  let best: { key: number[]; id: string; matchedPath: string } | null = null;
  const host = (req.host ?? "").toLowerCase().split(":")[0] as string;
  routes.forEach((r, ri) => {
    if (r.methods && !r.methods.includes(req.method)) return;
    if (r.hosts) {
      const ok = r.hosts.some((h) =>
        h.startsWith("*.")
          ? host.endsWith(h.slice(1))
          : h.endsWith(".*")
            ? host.startsWith(h.slice(0, -1))
            : host === h,
      );
      if (!ok) return;
    }
    for (const [name, values] of Object.entries(r.headers ?? {})) {
      const v = req.headers?.[name];
      if (typeof v !== "string" || !values.includes(v.toLowerCase())) return;
    }
    const weight = [r.methods, r.hosts, r.paths].filter(Boolean).length + (r.headers ? 1 : 0);
    const plain = r.hosts && !r.hosts.some((h) => h.includes("*")) ? 1 : 0;
    const headerCount = Object.keys(r.headers ?? {}).length;
    const candidates: { key: number[]; matchedPath: string }[] = [];
    if (!r.paths)
      candidates.push({ key: [weight, plain, headerCount, 0, 0, 0, -ri, 0], matchedPath: "" });
    (r.paths ?? []).forEach((p, pi) => {
      if (p.startsWith("~")) {
        const m = regexOf(p).exec(req.path);
        if (m)
          candidates.push({
            key: [weight, plain, headerCount, 1, r.regex_priority ?? 0, 0, -ri, -pi],
            matchedPath: m[0],
          });
      } else if (req.path.startsWith(p)) {
        candidates.push({
          key: [weight, plain, headerCount, 0, 0, p.length, -ri, -pi],
          matchedPath: p,
        });
      }
    });
    for (const c of candidates) {
      if (best === null || greater(c.key, best.key)) best = { ...c, id: r.id };
    }
  });
  return best === null
    ? null
    : {
        id: (best as { id: string }).id,
        matchedPath: (best as { matchedPath: string }).matchedPath,
      };
}

function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return false;
}

function requests(): MatchInput[] {
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const hosts = [
    undefined,
    "svc7.example.com",
    "SVC150.example.com:8000",
    "a.tenant9.example.net",
    "tenant1400.io",
    "unknown.test",
  ];
  const paths = () => {
    const k = rnd(7);
    if (k === 0) return `/api/v${rnd(5)}/res${rnd(4000)}/x`;
    if (k === 1) return `/p${rnd(3100)}/items`;
    if (k === 2) return `/p${rnd(3100)}`;
    if (k === 3) return `/r${rnd(110)}/${rnd(1000)}`;
    if (k === 4) return `/r${rnd(100)}/abc`;
    if (k === 5) return "/";
    return `/p${rnd(1000)}x`;
  };
  const out: MatchInput[] = [];
  for (let i = 0; i < 1500; i++) {
    const req: MatchInput = {
      method: rnd(3) === 0 ? "POST" : "GET",
      host: hosts[rnd(hosts.length)],
      path: paths(),
    };
    if (rnd(2) === 0) req.headers = { "x-tenant": `T${rnd(60)}` };
    out.push(req);
  }
  return out;
}

describe("router with 10,000 routes", () => {
  const routes = buildRoutes();
  let router: Router<RouteSpec>;

  before(() => {
    router = compileRouter(routes);
  });

  it("compiles all of them", () => {
    assert.equal(routes.length, 10_000);
    assert.equal(router.size, 10_000);
  });

  it("matches known requests", () => {
    const id = (req: Partial<MatchInput>) =>
      router.match({ method: "GET", path: "/", ...req })?.route.id;
    assert.equal(id({ host: "svc7.example.com", path: "/api/v2/res7/x" }), "host-7");
    assert.equal(id({ host: "svc7.example.com", path: "/nothing" }), "catch-7");
    assert.equal(id({ path: "/p13/items/1" }), "path-13");
    assert.equal(id({ path: "/p12/items/1" }), "path-1"); // path-12 is POST only: /p1 is next
    assert.equal(id({ method: "POST", path: "/p12" }), "path-12");
    assert.equal(id({ path: "/r5/123" }), "regex-5"); // regex_priority 2 beats regex-205's 1
    assert.equal(id({ host: "x.y.tenant33.example.net", path: "/z" }), "wild-33");
    assert.equal(id({ host: "tenant33.org", path: "/z" }), "wild-33");
    assert.equal(id({ path: "/p7", headers: { "x-tenant": "T7" } }), "hdr-7");
    assert.equal(id({ host: "unknown.test", path: "/zzz" }), undefined);
  });

  it("agrees with a naive scan on 1,500 generated requests", () => {
    let matched = 0;
    for (const req of requests()) {
      const got = router.match(req);
      const want = reference(routes, req);
      assert.deepEqual(
        got && { id: got.route.id, matchedPath: got.matchedPath },
        want,
        `${req.method} ${req.host ?? "-"} ${req.path} ${JSON.stringify(req.headers ?? {})}`,
      );
      if (got) matched++;
    }
    assert.ok(matched > 700, `only ${matched} requests matched: the generator lost its coverage`);
  });
});
