import { withAuth } from "@/server/auth/with-auth";
import { getProxyCacheEntry, purgeProxyCacheEntry } from "@/server/proxy-cache/purge";

export const dynamic = "force-dynamic";

/** Kong's GET /proxy-cache/{cache_key}: the entry of the first proxy-cache instance holding it. */
export const GET = withAuth<{ key: string }>({ role: "viewer" }, async ({ params }) =>
  Response.json(await getProxyCacheEntry(params.key)),
);

/** Kong's DELETE /proxy-cache/{cache_key}. */
export const DELETE = withAuth<{ key: string }>({ role: "editor" }, async ({ params }) => {
  await purgeProxyCacheEntry(params.key);
  return new Response(null, { status: 204 });
});
