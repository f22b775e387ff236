import { findCached, flushCaches, purgeCached } from "@gatehouse/plugins";
import type { CachedEntity, ProxyCacheInstance } from "@gatehouse/plugins";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { CompiledSnapshot, ConfigState } from "../config/state.js";

const NOT_FOUND = { message: "Not found" };

/**
 * The data plane's half of Kong's proxy-cache admin API (the admin calls these on every data plane,
 * since the memory strategy's entries live in each one; the redis strategy's are reached through
 * any of them): `DELETE /v1/plugins/proxy-cache/caches`, `GET|DELETE
 * /v1/plugins/proxy-cache/caches/{key}`, `GET|DELETE /v1/plugins/proxy-cache/{plugin_id}/caches/{key}`,
 * over the running config's enabled proxy-cache instances. A store that fails (Redis down) → 503.
 */
/** The cache operations behind the routes: this process's stores, or (--workers) every worker's. */
export interface ProxyCacheOps {
  find(key: string, pluginId?: string): Promise<CachedEntity | undefined>;
  purge(key: string, pluginId?: string): Promise<boolean>;
  flush(): Promise<void>;
}

/** The operations over this process's running config (its enabled proxy-cache instances). */
export function localProxyCacheOps<S extends CompiledSnapshot>(
  state: ConfigState<S>,
): ProxyCacheOps {
  const instances = (pluginId?: string): ProxyCacheInstance[] =>
    (state.current?.config.plugins ?? [])
      .filter((p) => p.name === "proxy-cache" && p.enabled)
      .filter((p) => pluginId === undefined || p.id === pluginId)
      .map((p) => ({ id: p.id, config: p.config }));
  return {
    find: async (key, pluginId) => {
      const list = instances(pluginId);
      return list.length === 0 ? undefined : findCached(list, key);
    },
    purge: (key, pluginId) => purgeCached(instances(pluginId), key),
    flush: () => flushCaches(instances()),
  };
}

export function registerProxyCacheControl(app: FastifyInstance, ops: ProxyCacheOps): void {
  const guarded = async (reply: FastifyReply, run: () => Promise<unknown>) => {
    try {
      return await run();
    } catch (err) {
      reply.log.warn({ err: (err as Error).message }, "proxy-cache store failed");
      return reply.code(503).send({ message: `the cache store failed: ${(err as Error).message}` });
    }
  };

  app.delete("/v1/plugins/proxy-cache/caches", async (_req, reply) =>
    guarded(reply, async () => {
      await ops.flush();
      return reply.code(204).send();
    }),
  );

  const one = (path: string, byPlugin: boolean) => {
    type P = { key: string; plugin_id?: string };
    const scope = (params: P) => (byPlugin ? params.plugin_id : undefined);
    app.get<{ Params: P }>(path, async (req, reply) =>
      guarded(reply, async () => {
        const found = await ops.find(req.params.key, scope(req.params));
        return found === undefined ? reply.code(404).send(NOT_FOUND) : found;
      }),
    );
    app.delete<{ Params: P }>(path, async (req, reply) =>
      guarded(reply, async () => {
        const purged = await ops.purge(req.params.key, scope(req.params));
        return purged ? reply.code(204).send() : reply.code(404).send(NOT_FOUND);
      }),
    );
  };
  one("/v1/plugins/proxy-cache/caches/:key", false);
  one("/v1/plugins/proxy-cache/:plugin_id/caches/:key", true);
}
