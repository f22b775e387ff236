import type { Metadata } from "next";
import { ApiTokens } from "@/components/admin/api-tokens";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "API tokens" };

export default async function Page() {
  await requirePageSession("/tokens", "admin");
  return (
    <>
      <h1>API tokens</h1>
      <p className="lead">Bearer tokens for the REST API and automation.</p>
      <ApiTokens />
    </>
  );
}
