import { withAuth } from "@/server/auth/with-auth";
import { flushProxyCaches } from "@/server/proxy-cache/purge";

export const dynamic = "force-dynamic";

/** Kong's DELETE /proxy-cache: every proxy-cache entry, on every connected data plane. */
export const DELETE = withAuth({ role: "editor" }, async () => {
  await flushProxyCaches();
  return new Response(null, { status: 204 });
});
