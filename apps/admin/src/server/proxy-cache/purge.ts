import "server-only";
import { env } from "@/env";
import { db } from "@/server/db";
import { heartbeatIntervalMs } from "@/server/distribution/data-planes";
import { requireEntity } from "@/server/entities/resource";
import { plugins } from "@/server/entities/plugins";
import { ApiError } from "@/server/http/errors";

/** What one data plane's control endpoint answered (status 0: it could not be reached). */
interface PlaneAnswer {
  id: string;
  status: number;
  body: unknown;
  error?: string;
}

/**
 * Kong's proxy-cache admin API. The memory strategy's entries live in each data plane, so every call
 * goes to every connected data plane's control endpoint (`/v1/plugins/proxy-cache/...`, with the
 * cluster token); the redis strategy's shared entries are reached through them the same way (the
 * admin holds no Redis connection). A data plane silent for 3 heartbeat intervals is left out.
 */
async function callDataPlanes(method: "GET" | "DELETE", path: string): Promise<PlaneAnswer[]> {
  const settings = env();
  const token = settings.GATEHOUSE_CLUSTER_TOKEN;
  if (token === undefined) {
    throw new ApiError(
      "unavailable",
      "GATEHOUSE_CLUSTER_TOKEN is not set on the control plane: data planes cannot be reached",
    );
  }
  const now = Date.now();
  const planes = (await db().dataPlane.findMany({ orderBy: { id: "asc" } })).filter(
    (p) =>
      p.controlAddress !== null &&
      p.lastSeenAt !== null &&
      now - p.lastSeenAt.getTime() <= 3 * heartbeatIntervalMs(),
  );
  return Promise.all(
    planes.map(async (p): Promise<PlaneAnswer> => {
      try {
        const r = await fetch(
          new URL(`/v1/plugins/proxy-cache${path}`, p.controlAddress as string),
          {
            method,
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(settings.GATEHOUSE_PUSH_TIMEOUT_MS),
          },
        );
        const text = await r.text();
        let body: unknown = null;
        try {
          body = text === "" ? null : JSON.parse(text);
        } catch {
          body = text;
        }
        return { id: p.id, status: r.status, body };
      } catch (err) {
        return { id: p.id, status: 0, body: null, error: (err as Error).message };
      }
    }),
  );
}

function failed(answers: PlaneAnswer[], ok: number[]): PlaneAnswer[] {
  return answers.filter((a) => !ok.includes(a.status));
}

function unavailable(bad: PlaneAnswer[]): ApiError {
  const detail = bad
    .map((a) => {
      const message = (a.body as { message?: unknown } | null)?.message;
      return `${a.id}: ${a.status === 0 ? (a.error ?? "unreachable") : `${a.status}${typeof message === "string" ? ` ${message}` : ""}`}`;
    })
    .join("; ");
  return new ApiError(
    "unavailable",
    `the proxy cache of some data planes was not reached (${detail})`,
  );
}

const encode = encodeURIComponent;

/** Kong's `DELETE /proxy-cache`: every proxy-cache instance's entries, on every data plane. */
export async function flushProxyCaches(): Promise<void> {
  const answers = await callDataPlanes("DELETE", "/caches");
  const bad = failed(answers, [204]);
  if (bad.length > 0) throw unavailable(bad);
}

/** The proxy-cache plugin `key` (id or instance name) must exist (Kong: 404 otherwise). */
async function proxyCachePlugin(key: string): Promise<string> {
  const plugin = await requireEntity(plugins, key);
  if (plugin.name !== "proxy-cache")
    throw new ApiError("not_found", `plugin ${JSON.stringify(key)} is not a proxy-cache plugin`);
  return plugin.id;
}

function pathOf(cacheKey: string, pluginKey?: string): Promise<string> | string {
  if (pluginKey === undefined) return `/caches/${encode(cacheKey)}`;
  return proxyCachePlugin(pluginKey).then((id) => `/${encode(id)}/caches/${encode(cacheKey)}`);
}

/** Kong's `GET /proxy-cache/{cache_key}` (or of one plugin): the entry, from the first data plane holding it. */
export async function getProxyCacheEntry(cacheKey: string, pluginKey?: string): Promise<unknown> {
  const answers = await callDataPlanes("GET", await pathOf(cacheKey, pluginKey));
  const hit = answers.find((a) => a.status === 200);
  if (hit !== undefined) return { ...(hit.body as object), data_plane: hit.id };
  const bad = failed(answers, [404]);
  if (bad.length > 0) throw unavailable(bad);
  throw new ApiError("not_found", `no cached entry ${JSON.stringify(cacheKey)}`);
}

/** Kong's `DELETE /proxy-cache/{cache_key}` (or of one plugin): purged wherever it is; 404 when nowhere. */
export async function purgeProxyCacheEntry(cacheKey: string, pluginKey?: string): Promise<void> {
  const answers = await callDataPlanes("DELETE", await pathOf(cacheKey, pluginKey));
  if (answers.some((a) => a.status === 204)) return;
  const bad = failed(answers, [404]);
  if (bad.length > 0) throw unavailable(bad);
  throw new ApiError("not_found", `no cached entry ${JSON.stringify(cacheKey)}`);
}
