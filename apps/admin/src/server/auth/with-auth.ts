import "server-only";
import { randomUUID } from "node:crypto";
import type { Principal } from "@/server/auth/principal";
import { clientIp, isSameOrigin } from "@/server/auth/request-info";
import type { Role } from "@/server/auth/roles";
import { hasRole } from "@/server/auth/roles";
import { readCookie, SESSION_COOKIE, sessionPrincipal } from "@/server/auth/sessions";
import { tokenPrincipal } from "@/server/auth/tokens";
import { ApiError, toErrorResponse } from "@/server/http/errors";
import { refuseNulParams } from "@/server/http/json-guard";

/** Everything a handler gets: the request, its route params, who is calling, and request metadata. */
export interface RequestContext<P = Record<string, string>> {
  req: Request;
  url: URL;
  params: P;
  requestId: string;
  ip: string;
}

export interface AuthedContext<P = Record<string, string>> extends RequestContext<P> {
  auth: Principal;
}

type RouteArg<P> = { params: Promise<P> };
export type RouteHandler<P> = (req: Request, route: RouteArg<P>) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Resolves the caller from `Authorization: Bearer` or the session cookie. */
export async function authenticate(req: Request): Promise<Principal | null> {
  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ? tokenPrincipal(match[1]) : null;
  }
  const cookie = readCookie(req, SESSION_COOKIE);
  return cookie ? sessionPrincipal(cookie) : null;
}

function requestIdOf(req: Request): string {
  const given = req.headers.get("x-request-id");
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

async function run<P>(
  req: Request,
  route: RouteArg<P> | undefined,
  body: (ctx: RequestContext<P>) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdOf(req);
  try {
    const params = ((await route?.params) ?? {}) as P;
    const url = new URL(req.url);
    refuseNulParams(params, url.searchParams);
    const response = await body({
      req,
      url,
      params,
      requestId,
      ip: clientIp(req),
    });
    response.headers.set("x-request-id", requestId);
    if (!response.headers.has("cache-control")) response.headers.set("cache-control", "no-store");
    return response;
  } catch (error) {
    return toErrorResponse(error, requestId);
  }
}

/**
 * The one wrapper every admin API handler goes through: resolves the caller, checks the role
 * INSIDE the handler (middleware is not a security boundary), refuses cross-site cookie writes
 * (CSRF), and maps every error to a response in one place.
 */
export function withAuth<P = Record<string, string>>(
  options: { role: Role },
  handler: (ctx: AuthedContext<P>) => Promise<Response>,
): RouteHandler<P> {
  return (req, route) =>
    run(req, route, async (ctx) => {
      const auth = await authenticate(req);
      if (!auth) {
        throw new ApiError("unauthorized", "authentication required: a Bearer token or a session", {
          headers: { "www-authenticate": 'Bearer realm="gatehouse-admin"' },
        });
      }
      if (auth.kind === "session" && !SAFE_METHODS.has(req.method) && !isSameOrigin(req)) {
        throw new ApiError("csrf", "cross-site request refused: the Origin must be this admin's");
      }
      if (!hasRole(auth.role, options.role)) {
        throw new ApiError("forbidden", `this action needs the ${options.role} role`);
      }
      return handler({ ...ctx, auth });
    });
}

/** Same error handling and request ids, no authentication (login only). */
export function withoutAuth<P = Record<string, string>>(
  handler: (ctx: RequestContext<P>) => Promise<Response>,
): RouteHandler<P> {
  return (req, route) => run(req, route, handler);
}

/** For server actions and server components: the caller with at least `role`, or an ApiError. */
export async function requireRole(req: Request, role: Role): Promise<Principal> {
  const auth = await authenticate(req);
  if (!auth) throw new ApiError("unauthorized", "authentication required");
  if (!hasRole(auth.role, role))
    throw new ApiError("forbidden", `this action needs the ${role} role`);
  return auth;
}
