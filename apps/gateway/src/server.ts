import { hostname } from "node:os";
import {
  DEFAULT_REAL_IP,
  formatErrors,
  parseDeclarative,
  UpstreamDenyList,
} from "@gatehouse/config";
import type { ConfigError, RealIpSettings } from "@gatehouse/config";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { disposePlugins, retainPluginResources } from "@gatehouse/plugin-kit";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { builtinCatalog } from "@gatehouse/plugins";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Logger } from "pino";
import pino from "pino";
import { readCache, writeCache } from "./config/cache.js";
import { DEFAULT_FILE_LOG_DIR, dataPlaneOptions, pluginCatalog } from "./config/catalog.js";
import { buildControl } from "./cluster/control-server.js";
import { Handler } from "./pipeline/handler.js";
import { bindRetrying } from "./net/listen.js";
import { ProxyListeners, boundAddress, listenerUrl } from "./net/listeners.js";
import type { Address } from "./net/listeners.js";
import type { ProxyLimits } from "./net/proxy-server.js";
import { realIpProxyProtocolProblem } from "./net/proxy-protocol.js";
import type { ProxyProtocolListeners } from "./net/proxy-protocol.js";
import { OptionError } from "./errors.js";
import { localDenyRules } from "./proxy/local-deny.js";
import { GatewayMetrics } from "./metrics.js";
import { ControlPlaneAgent, pullConfig } from "./cluster/agent.js";
import { loadNodeId } from "./cluster/node-id.js";
import { compileSnapshot } from "./config/snapshot.js";
import type { Resolve } from "./proxy/balancer/dns.js";
import { NodeHealth } from "./proxy/balancer/node-health.js";
import type { GatewaySnapshot } from "./config/snapshot.js";
import { ConfigState } from "./config/state.js";
import type { ApplyResult, SnapshotSource } from "./config/state.js";
import type { PrimaryRole, WorkerRole } from "./workers/roles.js";

export type { PrimaryRole, WorkerRole } from "./workers/roles.js";

export interface GatewayOptions {
  /** proxy listener; port 0 = any free port */
  listen?: { host: string; port: number };
  /** TLS proxy listener (certificates by SNI from the config); undefined = none */
  listenTls?: { host: string; port: number };
  control?: { host: string; port: number };
  /** directory of the last applied snapshot; undefined = no cache */
  cacheDir?: string;
  clusterToken?: string;
  /** GATEHOUSE_CLUSTER_CERT/KEY/CA: the control endpoint and the calls to the control plane over mutual TLS */
  clusterTls?: ClusterTls;
  debugToken?: string;
  controlPlaneUrl?: string;
  /** how the control plane reaches the control endpoint (default: http://<--control address>) */
  advertiseControlUrl?: string;
  /** how the control plane reaches the proxy listener (default: http://<--listen address>) */
  advertiseProxyUrl?: string;
  /** heartbeat period towards the control plane until it says otherwise (ms, default 10 s) */
  heartbeatIntervalMs?: number;
  trustedProxies?: string[];
  /** Kong's real_ip_header / real_ip_recursive (GATEHOUSE_REAL_IP_HEADER / _RECURSIVE) */
  realIp?: RealIpSettings;
  /** --proxy-protocol: the proxy listeners whose connections start with a PROXY protocol header */
  proxyProtocol?: ProxyProtocolListeners;
  keyHashSecret?: string;
  /** pino level, or "silent" */
  logLevel?: string;
  logger?: Logger;
  /** plugin set of this data plane (default: the built-in plugins) */
  plugins?: ReadonlyMap<string, PluginDefinition>;
  /** where each non-built-in plugin came from (its GATEHOUSE_PLUGINS entry), for /v1/status */
  pluginSources?: ReadonlyMap<string, string>;
  /** HTTP limits and connection caps of the proxy listener (net/proxy-server.ts) */
  limits?: ProxyLimits;
  upstream?: { maxSockets?: number; idleTimeout?: number };
  /**
   * --upstream-deny: rules denied whatever the config says, added to the config's `upstream_deny`
   * (or its default). This data plane's own listeners and its control plane are always denied.
   */
  upstreamDeny?: string[];
  /** --file-log-dir: where file-log may write (default `.data/logs`, created on first use) */
  fileLogDirs?: string[];
  /** --tracing-sampling-rate: Kong's tracing_sampling_rate (DataPlaneOptions.tracingSamplingRate) */
  tracingSamplingRate?: number;
  /** ms in-flight requests get to finish at shutdown (default 10 s) */
  shutdownGrace?: number;
  /** ms to keep retrying a bind that finds its address in use (default 10 s, 0 = fail at once) */
  bindRetryWindow?: number;
  /** how host-name targets are resolved (default: the system resolver; tests inject their own) */
  resolve?: Resolve;
  /** --workers > 1: this process's part (default: one process does everything) */
  role?: PrimaryRole | WorkerRole;
}

export type StartSource = SnapshotSource | "none";

export interface Gateway {
  proxy: FastifyInstance;
  control: FastifyInstance;
  state: ConfigState<GatewaySnapshot>;
  metrics: GatewayMetrics;
  log: Logger;
  /** load a declarative document as the running config (file → version 0) */
  loadDocument(
    doc: unknown,
    version: number,
    source: SnapshotSource,
  ): Promise<ApplyResult<GatewaySnapshot>>;
  /** start order: the given file, else the cache, else the control plane, else not ready */
  loadInitial(opts: {
    file?: { text: string; name: string };
  }): Promise<{ source: StartSource; errors?: ConfigError[] }>;
  /** the TLS listener (when `listenTls` is set) */
  proxyTls: FastifyInstance | undefined;
  /** target health of this data plane (a worker's follows the primary's) */
  health: NodeHealth;
  listen(): Promise<{ proxy: string; control: string; proxyTls?: string }>;
  close(): Promise<void>;
}

/** Version of a config loaded from a file: below anything the control plane pushes (≥ 1). */
export const FILE_VERSION = 0;

export function buildGateway(opts: GatewayOptions = {}): Gateway {
  const log: Logger =
    opts.logger ?? pino({ level: opts.logLevel ?? "info", base: { service: "gatehouse-gateway" } });
  const defs = opts.plugins ?? builtinCatalog;
  const metrics = new GatewayMetrics();
  const role = opts.role;
  const worker = role?.kind === "worker" ? role : undefined;
  const primary = role?.kind === "primary" ? role : undefined;
  const catalog = pluginCatalog(
    defs,
    dataPlaneOptions(
      opts.fileLogDirs ?? [DEFAULT_FILE_LOG_DIR],
      metrics.registry,
      worker?.nodeCounters,
      // read at scrape time, once `health` below exists
      () => health.registry.report(),
      opts.tracingSamplingRate,
    ),
  );
  metrics.configVersion.set(-1);
  // target health, active probes and DNS of upstream targets: one per data plane (under
  // --workers the primary's; a worker's registry follows it)
  const health = new NodeHealth(metrics, log, opts.resolve, worker !== undefined);
  const limits = opts.limits ?? {};
  const listen = opts.listen ?? { host: "127.0.0.1", port: 8000 };
  const controlAddr = opts.control ?? { host: "127.0.0.1", port: 8001 };
  const startedAt = new Date();
  const upstreamDeny = opts.upstreamDeny ?? [];
  new UpstreamDenyList(upstreamDeny); // throws on an invalid rule, before anything starts
  const realIp = opts.realIp ?? DEFAULT_REAL_IP;
  const ppProblem = realIpProxyProtocolProblem(realIp.header, opts.proxyProtocol ?? {});
  if (ppProblem !== undefined) throw new OptionError(ppProblem);
  const listenTls = opts.listenTls;
  const ownListeners = () => [listen, controlAddr, ...(listenTls ? [listenTls] : [])];
  const localDeny = {
    current: new UpstreamDenyList(localDenyRules(ownListeners(), opts.controlPlaneUrl)),
  };
  let cacheStatus: { state: "none" | "ok" | "corrupt" | "missing" | "invalid"; reason?: string } = {
    state: "none",
  };

  const state = new ConfigState<GatewaySnapshot>({
    catalog,
    compile: (config, meta, previous) =>
      compileSnapshot(
        {
          catalog: defs,
          poolOptions: opts.upstream ?? {},
          trustedProxies: opts.trustedProxies ?? [],
          keyHashSecret: opts.keyHashSecret,
          upstreamDeny,
          localDeny,
          health: health.registry,
        },
        config,
        meta,
        previous,
      ),
    gate: primary?.gate,
    persist:
      opts.cacheDir !== undefined && worker === undefined
        ? (s, canonical) => writeCache(opts.cacheDir as string, s, canonical)
        : undefined,
    onApplied: (s) => {
      health.apply(s.balanced);
      listeners.setDefaultCertificate(s.tls.defaultPem); // for clients that send no SNI
      metrics.configApplies.inc();
      metrics.configVersion.set(s.meta.version);
      // plugins release resources (connections, queues) of configs that are gone; never throws
      void retainPluginResources(defs, s.chains, log);
    },
    onRejected: () => metrics.configRejections.inc(),
    onPersistError: (err) => log.error({ err }, "could not write the config cache"),
  });

  const handler: Handler = new Handler({
    state,
    metrics,
    log,
    debugToken: opts.debugToken || undefined,
    realIp,
    get port(): number {
      return listeners.port;
    },
    get tlsPort(): number {
      return listeners.tlsPort;
    },
  });

  const listeners: ProxyListeners = new ProxyListeners({
    log,
    metrics,
    limits,
    trustedProxies: opts.trustedProxies ?? [],
    handler,
    listen,
    listenTls,
    tls: { contexts: () => state.current?.tls ?? null },
    proxyProtocol: opts.proxyProtocol,
  });

  const control = buildControl({
    state,
    metrics,
    clusterToken: opts.clusterToken,
    ...(opts.clusterTls ? { tls: opts.clusterTls } : {}),
    plugins: [...defs.values()].map((d) => ({
      name: d.name,
      version: d.version,
      source: opts.pluginSources?.get(d.name) ?? "builtin",
    })),
    startedAt,
    logger: log as FastifyBaseLogger,
    status: async () => ({
      cache: opts.cacheDir === undefined ? null : { dir: opts.cacheDir, ...cacheStatus },
      ...(await primary?.status()),
    }),
    metricsText: primary?.metrics,
    proxyCache: primary?.proxyCache,
  });

  const loadDocument = (doc: unknown, version: number, source: SnapshotSource) =>
    state.apply(doc, version, source, source !== "push");

  const loadInitial: Gateway["loadInitial"] = async ({ file }) => {
    if (file !== undefined) {
      const parsed = parseDeclarative(file.text, file.name);
      if (!parsed.ok) return { source: "file", errors: parsed.errors };
      const r = await loadDocument(parsed.doc, FILE_VERSION, "file");
      return r.ok ? { source: "file" } : { source: "file", errors: r.errors };
    }
    if (opts.cacheDir !== undefined) {
      const cached = await readCache(opts.cacheDir);
      if (cached.kind === "ok") {
        const r = await loadDocument(cached.snapshot.doc, cached.snapshot.version, "cache");
        if (r.ok) {
          cacheStatus = { state: "ok" };
          log.info({ version: cached.snapshot.version }, "config restored from the cache");
          return { source: "cache" };
        }
        cacheStatus = { state: "invalid", reason: formatErrors(r.errors) };
        log.error(
          { errors: r.errors },
          "the cached config is not valid for this data plane; ignored",
        );
      } else if (cached.kind === "corrupt") {
        cacheStatus = { state: "corrupt", reason: cached.reason };
        log.error(
          { reason: cached.reason, dir: opts.cacheDir },
          "the config cache file is corrupt; refused",
        );
      } else cacheStatus = { state: "missing" };
    }
    if (opts.controlPlaneUrl) {
      // one quick try: the control-plane agent keeps trying in the background after listen()
      const pulled = await pullConfig(
        { baseUrl: opts.controlPlaneUrl, token: opts.clusterToken, tls: opts.clusterTls },
        AbortSignal.timeout(3000),
      ).catch((err: unknown) => {
        log.warn(
          { reason: (err as Error).message },
          "pulling the config from the control plane failed",
        );
        return undefined;
      });
      if (pulled) {
        const r = await state.apply(pulled.config, pulled.version, "pull");
        if (r.ok) return { source: "pull" };
        log.error({ errors: r.errors }, "the control plane's config was refused");
      }
    }
    log.warn("no configuration: not ready (503) until one is pushed to PUT /v1/config");
    return { source: "none" };
  };

  let agent: ControlPlaneAgent | undefined;
  const plugins = [...defs.values()].map((d) => ({ name: d.name, version: d.version }));
  const startAgent = async (controlPort: number, listenPort: number): Promise<void> => {
    if (!opts.controlPlaneUrl) return;
    const advertised = (host: string) =>
      host === "0.0.0.0" || host === "::" ? hostname() : host.includes(":") ? `[${host}]` : host;
    const advertisedHost = advertised(controlAddr.host);
    agent = new ControlPlaneAgent({
      baseUrl: opts.controlPlaneUrl,
      token: opts.clusterToken,
      tls: opts.clusterTls,
      nodeId: await loadNodeId(opts.cacheDir),
      hostname: hostname(),
      controlUrl:
        opts.advertiseControlUrl ??
        `${opts.clusterTls ? "https" : "http"}://${advertisedHost}:${controlPort}`,
      proxyUrl: opts.advertiseProxyUrl ?? `http://${advertised(listen.host)}:${listenPort}`,
      plugins,
      state,
      log,
      heartbeatMs: opts.heartbeatIntervalMs,
      upstreamHealth: () => health.registry.report(),
      status: async () => ({
        cache: opts.cacheDir === undefined ? null : { dir: opts.cacheDir, ...cacheStatus },
        ...(await primary?.status()),
      }),
    });
    agent.start();
  };

  /** this data plane's own listeners, as bound, are never proxied to */
  const denyOwnListeners = (bound: (Address | undefined)[]) => {
    const own = [...ownListeners(), ...bound.filter((a): a is Address => a !== undefined)];
    localDeny.current = new UpstreamDenyList(localDenyRules(own, opts.controlPlaneUrl));
  };

  /** --workers, the primary: the control endpoint only (the workers hold the proxy listeners) */
  const listenPrimary = async (p: PrimaryRole) => {
    const controlUrl = await bindRetrying(() => control.listen(controlAddr), {
      windowMs: opts.bindRetryWindow ?? 10_000,
    });
    const controlPort = boundAddress(control, controlAddr.host).port || controlAddr.port;
    const bound = p.listeners();
    denyOwnListeners([bound.proxy, { host: controlAddr.host, port: controlPort }, bound.proxyTls]);
    await startAgent(controlPort, bound.proxy.port);
    return {
      proxy: listenerUrl("http", bound.proxy),
      control: controlUrl,
      ...(bound.proxyTls ? { proxyTls: listenerUrl("https", bound.proxyTls) } : {}),
    };
  };

  return {
    proxy: listeners.proxy,
    proxyTls: listeners.proxyTls,
    health,
    control,
    state,
    metrics,
    log,
    loadDocument,
    loadInitial,
    async listen() {
      if (primary !== undefined) return listenPrimary(primary);
      // a predecessor may still hold the ports while it drains (restart right after SIGTERM)
      const retry = {
        windowMs: opts.bindRetryWindow ?? 10_000,
        onRetry: (err: Error) =>
          log.warn({ err: err.message }, "address in use; retrying the bind"),
      };
      // a worker has no control endpoint (the primary's serves the node)
      const controlUrl =
        worker === undefined ? await bindRetrying(() => control.listen(controlAddr), retry) : "";
      const bound = await listeners.bind(retry);
      const controlBound =
        worker === undefined ? boundAddress(control, controlAddr.host) : undefined;
      denyOwnListeners([bound.proxy, controlBound, bound.proxyTls]);
      if (controlBound) await startAgent(controlBound.port || controlAddr.port, bound.proxy.port);
      return {
        proxy: bound.proxyUrl,
        control: controlUrl,
        ...(bound.proxyTlsUrl !== undefined ? { proxyTls: bound.proxyTlsUrl } : {}),
      };
    },
    async close() {
      await agent?.stop();
      health.stop();
      const grace = opts.shutdownGrace ?? 10_000;
      // both proxy ports and the control port are free at once for a successor
      const controlClosing = worker === undefined ? control.close() : Promise.resolve();
      // the primary of --workers never listened on the proxy ports (its workers drain them)
      if (primary === undefined) await listeners.drain(grace);
      await controlClosing;
      state.current?.pool.destroy();
      // flush log queues, close plugin connections; never throws
      await disposePlugins(defs, log);
    },
  };
}
