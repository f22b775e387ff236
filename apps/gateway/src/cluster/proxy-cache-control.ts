import { findCached, flushCaches, purgeCached } from "@gatehouse/plugins";
import type { ProxyCacheInstance } from "@gatehouse/plugins";
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
export function registerProxyCacheControl<S extends CompiledSnapshot>(
  app: FastifyInstance,
  state: ConfigState<S>,
): void {
  const instances = (pluginId?: string): ProxyCacheInstance[] =>
    (state.current?.config.plugins ?? [])
      .filter((p) => p.name === "proxy-cache" && p.enabled)
      .filter((p) => pluginId === undefined || p.id === pluginId)
      .map((p) => ({ id: p.id, config: p.config }));

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
      await flushCaches(instances());
      return reply.code(204).send();
    }),
  );

  const one = (path: string, byPlugin: boolean) => {
    type P = { key: string; plugin_id?: string };
    const scope = (params: P) => instances(byPlugin ? params.plugin_id : undefined);
    app.get<{ Params: P }>(path, async (req, reply) =>
      guarded(reply, async () => {
        const list = scope(req.params);
        const found = list.length === 0 ? undefined : await findCached(list, req.params.key);
        return found === undefined ? reply.code(404).send(NOT_FOUND) : found;
      }),
    );
    app.delete<{ Params: P }>(path, async (req, reply) =>
      guarded(reply, async () => {
        const purged = await purgeCached(scope(req.params), req.params.key);
        return purged ? reply.code(204).send() : reply.code(404).send(NOT_FOUND);
      }),
    );
  };
  one("/v1/plugins/proxy-cache/caches/:key", false);
  one("/v1/plugins/proxy-cache/:plugin_id/caches/:key", true);
}
