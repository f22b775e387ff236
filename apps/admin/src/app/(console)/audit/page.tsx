import type { Metadata } from "next";
import { AuditLog } from "@/components/admin/audit-log";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Audit log" };

export default async function Page() {
  await requirePageSession("/audit", "admin");
  return (
    <>
      <h1>Audit log</h1>
      <p className="lead">Who changed what, and when (secrets masked).</p>
      <AuditLog />
    </>
  );
}
