import type { Metadata } from "next";
import { RouteDetail } from "@/components/entity/details";
import { PageHeader } from "@/components/page-header";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New route" };

export default async function NewRoutePage({
  searchParams,
}: {
  searchParams: Promise<{ service?: string | string[] }>;
}) {
  await requirePageSession("/routes/new", "editor");
  const { service } = await searchParams;
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Routes", href: "/routes" }, { label: "New route" }]}
        title="New route"
      />
      <RouteDetail id={null} serviceId={typeof service === "string" ? service : undefined} />
    </>
  );
}
