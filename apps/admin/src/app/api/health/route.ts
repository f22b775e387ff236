import { checkDatabase } from "@/server/health/check-database";

export const dynamic = "force-dynamic";

/** Liveness + database reachability, for `npm start`, tests and load balancers. */
export async function GET(): Promise<Response> {
  try {
    await checkDatabase();
    return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    console.error(
      "health check: database unreachable:",
      error instanceof Error ? error.message : error,
    );
    return Response.json(
      { status: "error", checks: { database: "unreachable" } },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
