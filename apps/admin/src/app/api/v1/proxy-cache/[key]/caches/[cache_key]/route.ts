import { withAuth } from "@/server/auth/with-auth";
import { getProxyCacheEntry, purgeProxyCacheEntry } from "@/server/proxy-cache/purge";

export const dynamic = "force-dynamic";

type Params = { key: string; cache_key: string };

/** Kong's GET /proxy-cache/{plugin_id}/caches/{cache_key} ({key}: the proxy-cache plugin's id). */
export const GET = withAuth<Params>({ role: "viewer" }, async ({ params }) =>
  Response.json(await getProxyCacheEntry(params.cache_key, params.key)),
);

/** Kong's DELETE /proxy-cache/{plugin_id}/caches/{cache_key}. */
export const DELETE = withAuth<Params>({ role: "editor" }, async ({ params }) => {
  await purgeProxyCacheEntry(params.cache_key, params.key);
  return new Response(null, { status: 204 });
});
