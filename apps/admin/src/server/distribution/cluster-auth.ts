import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/env";
import { withoutAuth } from "@/server/auth/with-auth";
import type { RequestContext, RouteHandler } from "@/server/auth/with-auth";
import { ApiError } from "@/server/http/errors";

/** Constant-time comparison (both sides hashed first, so the length does not leak either). */
function tokensEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * For the data-plane endpoints (/api/v1/dataplane/...): only `Authorization: Bearer
 * $GATEHOUSE_CLUSTER_TOKEN` is accepted; user tokens, the bootstrap token and sessions are not.
 */
export function withClusterAuth<P = Record<string, string>>(
  handler: (ctx: RequestContext<P>) => Promise<Response>,
): RouteHandler<P> {
  return withoutAuth<P>(async (ctx) => {
    const expected = env().GATEHOUSE_CLUSTER_TOKEN;
    if (!expected) {
      throw new ApiError(
        "unavailable",
        "GATEHOUSE_CLUSTER_TOKEN is not set on the control plane: data planes cannot connect",
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.req.headers.get("authorization") ?? "");
    if (!match?.[1] || !tokensEqual(match[1], expected)) {
      throw new ApiError("unauthorized", "the cluster token is required (Authorization: Bearer)", {
        headers: { "www-authenticate": 'Bearer realm="gatehouse-cluster"' },
      });
    }
    return handler(ctx);
  });
}
