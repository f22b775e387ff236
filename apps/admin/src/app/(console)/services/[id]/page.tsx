import type { Metadata } from "next";
import { ServiceDetail } from "@/components/entity/details";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Service" };

export default async function ServicePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageSession(`/services/${id}`);
  return (
    <>
      <h1>Service</h1>
      <ServiceDetail id={id} />
    </>
  );
}
