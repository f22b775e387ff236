import { configPushSchema, fromZodIssues } from "@gatehouse/config";
import type {
  ConfigApplied,
  ConfigConflict,
  ConfigRefused,
  DataPlaneStatus,
  PluginInfo,
} from "@gatehouse/config";
import Fastify, { LogController } from "fastify";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { FastifyBaseLogger } from "fastify";
import { clusterServerTlsOptions } from "@gatehouse/config/cluster-tls";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { isLoopback, safeEqual } from "./auth.js";
import { localProxyCacheOps, registerProxyCacheControl } from "./proxy-cache-control.js";
import type { ProxyCacheOps } from "./proxy-cache-control.js";
import type { GatewayMetrics } from "../metrics.js";
import type { CompiledSnapshot, ConfigState } from "../config/state.js";

export interface ControlOptions<S extends CompiledSnapshot> {
  state: ConfigState<S>;
  metrics: GatewayMetrics;
  /** GATEHOUSE_CLUSTER_TOKEN; undefined → writes refused, reads from loopback only */
  clusterToken: string | undefined;
  /**
   * GATEHOUSE_CLUSTER_CERT/KEY/CA: HTTPS with this certificate, and a client certificate signed by
   * the CA required at the handshake (no certificate, or another CA's: the handshake fails)
   */
  tls?: ClusterTls;
  /** the data plane's plugins; source: "builtin" or the GATEHOUSE_PLUGINS entry */
  plugins: PluginInfo[];
  startedAt: Date;
  logger: FastifyBaseLogger;
  /** extra fields for /v1/status */
  status?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** the proxy-cache routes' stores when not this process's (--workers: every worker's) */
  proxyCache?: ProxyCacheOps;
  /** /metrics' text when it is not this process's registry alone (--workers: aggregated) */
  metricsText?: () => Promise<string>;
  bodyLimit?: number;
}

const TOKEN_UNSET_WRITE =
  "GATEHOUSE_CLUSTER_TOKEN is not set on this data plane: control writes are disabled (set it to enable PUT /v1/config)";

/**
 * The control app (never on the proxy port): config push, status, readiness, metrics, proxy-cache purge.
 * Every call needs `Authorization: Bearer $GATEHOUSE_CLUSTER_TOKEN`; with the cluster TLS settings,
 * over HTTPS from a client whose certificate the cluster CA signed too.
 */
export function buildControl<S extends CompiledSnapshot>(opts: ControlOptions<S>): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger.child({ component: "control" }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    return503OnClosing: true,
    ...(opts.tls ? { https: clusterServerTlsOptions(opts.tls) } : {}),
  }) as unknown as FastifyInstance;
  if (opts.tls) {
    // a refused client certificate fails the handshake: one debug line, never a crash
    app.server.on("tlsClientError", (err: Error) =>
      app.log.debug({ err: err.message }, "control TLS handshake failed"),
    );
  }
  const { state, metrics } = opts;

  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    const token = opts.clusterToken;
    if (token === undefined || token === "") {
      if (req.method !== "GET" && req.method !== "HEAD") {
        return reply.code(403).send({ message: TOKEN_UNSET_WRITE });
      }
      if (!isLoopback(req.socket.remoteAddress)) {
        return reply.code(401).send({
          message:
            "GATEHOUSE_CLUSTER_TOKEN is not set: control reads are allowed from loopback only",
        });
      }
      return;
    }
    const header = req.headers.authorization;
    const given =
      header !== undefined && header.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
    if (given === undefined || !safeEqual(given, token)) {
      return reply.code(401).header("www-authenticate", 'Bearer realm="gatehouse-control"').send({
        message: "missing or invalid bearer token (Authorization: Bearer $GATEHOUSE_CLUSTER_TOKEN)",
      });
    }
  });

  app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
    const status =
      err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error({ err }, "control request failed");
    const message = status === 500 ? "internal error" : (err.message ?? "bad request");
    return reply
      .code(status)
      .send(status === 400 ? { errors: [{ path: "", message }] } : { message });
  });

  app.put("/v1/config", async (req, reply) => {
    const push = configPushSchema.safeParse(req.body ?? null, { reportInput: true });
    if (!push.success) {
      metrics.configRejections.inc();
      return reply
        .code(400)
        .send({ errors: fromZodIssues(push.error.issues) } satisfies ConfigRefused);
    }
    const body = push.data;
    const result = await state.apply(body.config, body.version, "push");
    if (!result.ok) {
      const errs = result.errors;
      req.log.warn(
        { version: body.version, status: result.status, errors: errs.length },
        "config push refused",
      );
      return reply
        .code(result.status)
        .send(
          result.status === 409
            ? ({ message: errs[0]?.message, errors: errs } satisfies ConfigConflict)
            : ({ errors: errs } satisfies ConfigRefused),
        );
    }
    req.log.info(
      {
        version: result.snapshot.meta.version,
        hash: result.snapshot.meta.hash,
        timings: state.lastApplyTimings,
      },
      "config applied",
    );
    return {
      version: result.snapshot.meta.version,
      hash: result.snapshot.meta.hash,
    } satisfies ConfigApplied;
  });

  app.get("/v1/status", async (): Promise<DataPlaneStatus> => {
    const s = state.current;
    return {
      ready: s !== null,
      version: s?.meta.version ?? null,
      hash: s?.meta.hash ?? null,
      source: s?.meta.source ?? null,
      applied_at: s?.meta.appliedAt.toISOString() ?? null,
      started_at: opts.startedAt.toISOString(),
      plugins: opts.plugins,
      counts: s
        ? {
            services: s.config.services.length,
            routes: s.config.routes.length,
            consumers: s.config.consumers.length,
            plugins: s.config.plugins.length,
          }
        : null,
      last_error: state.lastError
        ? {
            at: state.lastError.at.toISOString(),
            source: state.lastError.source,
            errors: state.lastError.errors,
          }
        : null,
      cache_error: state.lastPersistError,
      last_apply_ms: state.lastApplyTimings,
      ...(await opts.status?.()),
    };
  });

  app.get("/v1/ready", async (_req, reply) => {
    const s = state.current;
    if (s === null) {
      return reply.code(503).send({ ready: false, message: "no configuration loaded yet" });
    }
    return { ready: true, version: s.meta.version, hash: s.meta.hash };
  });

  registerProxyCacheControl(app, opts.proxyCache ?? localProxyCacheOps(state));

  app.get("/metrics", async (_req, reply) => {
    const text = await (opts.metricsText?.() ?? metrics.registry.metrics());
    return reply.header("content-type", metrics.registry.contentType).send(text);
  });

  return app;
}
