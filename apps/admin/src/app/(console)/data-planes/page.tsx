import type { Metadata } from "next";
import { DataPlanes } from "@/components/admin/data-planes";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Data planes" };

export default async function DataPlanesPage() {
  await requirePageSession("/data-planes");
  return (
    <>
      <h1>Data planes</h1>
      <p className="lead">
        The gateways that registered with this control plane, and which config version each one
        runs.
      </p>
      <DataPlanes />
    </>
  );
}
