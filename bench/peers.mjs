// Issue 15's Node peer rows of `npm run bench` (`--skip-peers` leaves them out):
//
// - gateway_vs_fast_gateway: Gatehouse with 0 plugins (run.mjs's gateway) against fast-gateway
//   (restana + fast-proxy-lite, its keep-alive agent) with one route, prefix /proxied.
// - gateway_vs_fastify_http_proxy: the same against @fastify/http-proxy on Fastify 5 (its default
//   transport: @fastify/reply-from over undici, pooled keep-alive connections), prefix /proxied.
//
// Every proxy forwards to the same nginx `return 200` origin with keep-alive and is pinned to core
// 0 like the other proxies (wrk and the origin on core 1). Rounds are interleaved (ABBA) with the
// gateway's own row so each ratio compares samples taken back to back; the gateway row here is
// measured again, not taken from run.mjs's rounds. Targets >= 1.10 each (by rps; CPU per request
// alongside, as for the other ratios).
//
// Also a script: `node bench/peers.mjs serve fast-gateway|fastify-http-proxy PORT TARGET_URL`
// runs one peer (what benchPeers launches).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  cpuRatioOf,
  prepareScenarios,
  ratioOf,
  ratioRangeOf,
  runRounds,
  summarize,
  wrkRunner,
} from "./lib.mjs";

const PORTS = { fastGateway: 18120, fastifyHttpProxy: 18121 };
export const PEER_TARGETS = { gateway_vs_fast_gateway: 1.1, gateway_vs_fastify_http_proxy: 1.1 };

/**
 * @param {object} ctx run.mjs's: tools ({ wrk }), launch(name, core, cmd, args), pin(core, cmd,
 *   args), waitFor(url), origin (URL), gateway ({ url, pid }: Gatehouse, 1 route, 0 plugins),
 *   rounds, duration, connections
 */
export async function benchPeers(ctx) {
  const { tools, launch, pin, origin, rounds, duration, connections } = ctx;
  const self = fileURLToPath(import.meta.url);
  const serve = (name, kind, port) =>
    launch(name, 0, process.execPath, [self, "serve", kind, String(port), origin]);
  const fastGateway = serve("fast-gateway", "fast-gateway", PORTS.fastGateway);
  const fastify = serve("@fastify/http-proxy", "fastify-http-proxy", PORTS.fastifyHttpProxy);
  await Promise.all(
    [PORTS.fastGateway, PORTS.fastifyHttpProxy].map((p) =>
      ctx.waitFor(`http://127.0.0.1:${p}/proxied`),
    ),
  );
  const wrk = wrkRunner(tools, pin, connections);
  const scenarios = [
    {
      key: "peers_gateway",
      label: "Gatehouse, 1 route, 0 plugins (peers)",
      url: ctx.gateway.url,
      pid: ctx.gateway.pid,
    },
    {
      key: "fast_gateway",
      label: "fast-gateway, 1 route",
      url: `http://127.0.0.1:${PORTS.fastGateway}/proxied`,
      pid: fastGateway.pid,
    },
    {
      key: "fastify_http_proxy",
      label: "@fastify/http-proxy (Fastify 5)",
      url: `http://127.0.0.1:${PORTS.fastifyHttpProxy}/proxied`,
      pid: fastify.pid,
    },
  ];
  await prepareScenarios(scenarios, wrk);
  const failures = [];
  const samples = runRounds(scenarios, { rounds, duration, failures, what: "peers " });
  return {
    scenarios,
    summary: summarize(scenarios, samples),
    ratios: {
      gateway_vs_fast_gateway: ratioOf(samples, "peers_gateway", "fast_gateway"),
      gateway_vs_fastify_http_proxy: ratioOf(samples, "peers_gateway", "fastify_http_proxy"),
    },
    ranges: {
      gateway_vs_fast_gateway: ratioRangeOf(samples, "peers_gateway", "fast_gateway"),
      gateway_vs_fastify_http_proxy: ratioRangeOf(samples, "peers_gateway", "fastify_http_proxy"),
    },
    cpuRatios: {
      gateway_vs_fast_gateway: cpuRatioOf(samples, "peers_gateway", "fast_gateway"),
      gateway_vs_fastify_http_proxy: cpuRatioOf(samples, "peers_gateway", "fastify_http_proxy"),
    },
    failures,
  };
}

async function servePeer(kind, port, target) {
  const require = createRequire(import.meta.url);
  let close;
  if (kind === "fast-gateway") {
    const gateway = require("fast-gateway");
    // one route: exactly /proxied (pathRegex "" instead of its default "/*"), forwarded as is
    const server = gateway({
      routes: [{ prefix: "/proxied", pathRegex: "", prefixRewrite: "/proxied", target }],
    });
    await server.start(port, "127.0.0.1");
    close = () => server.close();
  } else if (kind === "fastify-http-proxy") {
    // Fastify 5 as the gateway has it (hoisted), @fastify/http-proxy's defaults otherwise
    const Fastify = createRequire(new URL("../apps/gateway/package.json", import.meta.url))(
      "fastify",
    );
    const app = Fastify({ logger: false });
    await app.register(require("@fastify/http-proxy"), {
      upstream: target,
      prefix: "/proxied",
      rewritePrefix: "/proxied",
    });
    await app.listen({ port, host: "127.0.0.1" });
    close = () => app.close();
  } else {
    console.error(`unknown peer ${kind}: fast-gateway or fastify-http-proxy`);
    process.exit(2);
  }
  const stop = () => void Promise.resolve(close()).finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "serve") {
  const [kind, port, target] = process.argv.slice(3);
  if (!kind || !port || !target) {
    console.error(
      "usage: node bench/peers.mjs serve fast-gateway|fastify-http-proxy PORT TARGET_URL",
    );
    process.exit(2);
  }
  await servePeer(kind, Number(port), target);
}
