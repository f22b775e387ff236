import type { Metadata } from "next";
import { ConfigHistory } from "@/components/config/config-history";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Config history" };

export default async function ConfigPage() {
  await requirePageSession("/config");
  return (
    <>
      <h1>Config history</h1>
      <p className="lead">
        Every committed change is a version. Compare any two, roll back, import or export.
      </p>
      <ConfigHistory />
    </>
  );
}
