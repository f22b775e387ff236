import { DEFAULT_UPSTREAM_DENY, UpstreamDenyList, hashingOf } from "@gatehouse/config";
import type {
  NormalizedConfig,
  NormalizedHashing,
  NormalizedRoute,
  NormalizedService,
} from "@gatehouse/config";
import { tryCompileChains } from "@gatehouse/plugin-kit";
import type {
  Chain,
  Chains,
  CredentialLookup,
  PluginDefinition,
  PluginInstanceSpec,
} from "@gatehouse/plugin-kit";
import { compileTrustedProxies, UpstreamGuard, UpstreamPool } from "../proxy/index.js";
import type { TrustedProxies, Upstream, UpstreamPoolOptions } from "../proxy/index.js";
import { HealthPolicy } from "../proxy/balancer/health.js";
import type { HealthRegistry } from "../proxy/balancer/health.js";
import type { BalancedUpstream } from "../proxy/balancer/node-health.js";
import { buildCredentials } from "./credentials.js";
import type { RouteMetrics } from "../metrics.js";
import { credentialQueryNames } from "./credential-names.js";
import { compileRoutes } from "../router/route-table.js";
import type { RouteTable } from "../router/route-table.js";
import { ConfigCompileError } from "./state.js";
import { TlsContexts } from "../net/tls-contexts.js";
import type { UpstreamTls } from "../proxy/upstream-tls.js";
import type { CompiledSnapshot, SnapshotMeta } from "./state.js";

/** Everything the request path needs for one route, precompiled. */
export interface RouteEntry {
  route: NormalizedRoute;
  service: NormalizedService | null;
  /** metrics / log label: the route's name, else its id */
  label: string;
  /** the route's recorder, looked up on its first request (GatewayMetrics.forRoute(label)) */
  metrics: RouteMetrics | null;
  chain: Chain;
  upstream: Upstream | null;
  /** host header sent upstream when preserve_host is off */
  upstreamHost: string;
  /** the upstream's hash settings when it balances by consistent-hashing on something */
  hashing: NormalizedHashing | null;
  maxBodySize: number | null;
  /**
   * The chain is only a request-termination without trigger or echo: every request gets the same
   * answer. The handler records that answer once (from a real run of the chain) in `staticResponse`
   * and replays it without running the chain again.
   */
  staticAnswer: boolean;
  staticResponse: StaticResponse | null;
}

/** A recorded, request-independent response: status, cleaned header lines, body (undefined = none). */
export interface StaticResponse {
  status: number;
  headers: string[];
  body: Buffer | undefined;
}

/** Plugins whose answer depends only on their config (given these config fields are off). */
function answersStatically(chain: Chain, config: NormalizedConfig): boolean {
  if (chain.plugins.length !== 1) return false;
  const p = chain.plugins[0];
  if (p === undefined || p.name !== "request-termination") return false;
  const conf = config.plugins.find((c) => c.id === p.instanceId)?.config;
  if (conf === undefined) return false;
  return !conf.echo && !conf.trigger && !conf.echo_trigger;
}

export interface GatewaySnapshot extends CompiledSnapshot {
  router: RouteTable<RouteEntry>;
  chains: Chains;
  pool: UpstreamPool;
  credentials: CredentialLookup;
  trustedProxies: TrustedProxies;
  /** query arguments carrying credentials, redacted in the access log (null = none) */
  logRedaction: ReadonlySet<string> | null;
  /** the upstream entities in use, for the health services (NodeHealth) */
  balanced: BalancedUpstream[];
  /** the certificates of the TLS listener, by SNI */
  tls: TlsContexts;
}

export interface CompileContext {
  catalog: ReadonlyMap<string, PluginDefinition>;
  poolOptions: UpstreamPoolOptions;
  trustedProxies: readonly string[];
  keyHashSecret: string | undefined;
  /** --upstream-deny: denied whatever the config says */
  upstreamDeny: readonly string[];
  /** this data plane's own listeners (and its control plane's port), updated once listening */
  localDeny: { current: UpstreamDenyList };
  /** this data plane's target health (kept across configs) */
  health?: HealthRegistry;
}

function hostHeader(service: NormalizedService): string {
  const defaultPort = service.protocol === "https" ? 443 : 80;
  if (service.upstream !== null) return service.upstream.hostHeader ?? service.host;
  if (service.port === defaultPort) return service.host;
  return `${service.host}:${service.port}`;
}

/** A service's TLS material towards its upstream, from the config's (CA) certificates. */
function upstreamTls(service: NormalizedService, config: NormalizedConfig): UpstreamTls {
  const client = config.certificates.find((c) => c.id === service.clientCertificate);
  const cas = service.caCertificates.map(
    (id) => config.caCertificates.find((c) => c.id === id)?.cert ?? "",
  );
  return {
    ca: cas.length > 0 ? cas : null,
    cert: client?.cert ?? null,
    key: client?.key ?? null,
    verifyDepth: service.tlsVerifyDepth,
  };
}

/** Compile a validated config completely (chains, upstream pool, router) before any swap. */
export function compileSnapshot(
  ctx: CompileContext,
  config: NormalizedConfig,
  meta: SnapshotMeta,
  previous: GatewaySnapshot | null,
): GatewaySnapshot {
  const specs: PluginInstanceSpec[] = config.plugins.map((p) => ({
    id: p.id,
    name: p.name,
    config: p.config,
    enabled: p.enabled,
    service: p.serviceId,
    route: p.routeId,
    consumer: p.consumerId,
  }));
  const compiled = tryCompileChains(specs, ctx.catalog, { prevalidated: true });
  if (!compiled.ok) {
    // paths are plugins[i] of the flat list: point them back at where each was declared
    throw new ConfigCompileError(
      compiled.errors.map((e) => {
        const m = /^plugins\[(\d+)\](.*)$/.exec(e.path);
        const source = m ? config.plugins[Number(m[1])]?.source : undefined;
        return {
          path: source !== undefined && m ? source + (m[2] ?? "") : e.path,
          message: e.message,
        };
      }),
    );
  }
  const chains = compiled.chains;
  // the config's deny list (the default when it sets none) plus the data plane's own
  const denyRules = [...(config.upstreamDeny ?? DEFAULT_UPSTREAM_DENY), ...ctx.upstreamDeny];
  const guard = new UpstreamGuard(
    new UpstreamDenyList(denyRules),
    ctx.localDeny,
    JSON.stringify(denyRules),
  );
  const pool = new UpstreamPool({
    ...ctx.poolOptions,
    previous: previous?.pool,
    guard,
    ...(ctx.health ? { health: ctx.health } : {}),
  });
  try {
    const upstreams = new Map<string, Upstream>();
    const policies = new Map<string, HealthPolicy>();
    const balanced = new Map<string, BalancedUpstream>();
    for (const s of config.services) {
      const u = s.upstream;
      const targets = u
        ? u.targets.map((t) => ({ host: t.host, port: t.port, weight: t.weight, target: t.target }))
        : [{ host: s.host, port: s.port, weight: 100 }];
      let policy: HealthPolicy | undefined;
      if (u) {
        policy = policies.get(u.name) ?? new HealthPolicy(u.healthchecks);
        policies.set(u.name, policy);
      }
      const upstream = pool.upstream({
        key: s.id,
        protocol: s.protocol,
        targets,
        connectTimeout: s.connectTimeout,
        readTimeout: s.readTimeout,
        writeTimeout: s.writeTimeout,
        retries: s.retries,
        tlsVerify: s.tlsVerify ?? true,
        ...(s.protocol === "https" ? { tls: upstreamTls(s, config) } : {}),
        ...(u && policy
          ? {
              balancing: {
                name: u.name,
                algorithm: u.algorithm,
                slots: u.slots,
                hashing: hashingOf(u),
                policy,
              },
            }
          : {}),
      });
      upstreams.set(s.id, upstream);
      if (u && policy && !balanced.has(u.name)) {
        balanced.set(u.name, {
          name: u.name,
          policy,
          guard,
          targets: upstream.targets.map((t, i) => ({
            host: t.host,
            port: t.port,
            hostHeader: u.targets[i]?.host ?? t.host,
            target: u.targets[i]?.target ?? t.id,
            state: t.state,
          })),
        });
      }
    }
    const entries: RouteEntry[] = config.routes.map((route) => {
      const service = route.service;
      const label = route.name ?? route.id;
      const chain = chains.forRoute(route.id, service?.id ?? null);
      return {
        route,
        service,
        label,
        metrics: null,
        chain,
        upstream: service ? (upstreams.get(service.id) ?? null) : null,
        upstreamHost: service ? hostHeader(service) : "",
        hashing:
          service?.upstream?.algorithm === "consistent-hashing" &&
          service.upstream.hashOn !== "none"
            ? hashingOf(service.upstream)
            : null,
        maxBodySize: route.maxBodySize,
        staticAnswer: answersStatically(chain, config),
        staticResponse: null,
      };
    });
    const router = compileRoutes(entries);
    const trustedProxies = compileTrustedProxies(ctx.trustedProxies);
    const credentials = buildCredentials(config, ctx.keyHashSecret);
    return {
      meta,
      config,
      router,
      chains,
      pool,
      credentials,
      trustedProxies,
      logRedaction: credentialQueryNames(config.plugins),
      balanced: [...balanced.values()],
      tls: new TlsContexts(config.certificates),
      retire: () => pool.close(),
    };
  } catch (err) {
    pool.close();
    throw err;
  }
}
