import type { Metadata } from "next";
import { ServiceDetail } from "@/components/entity/details";
import { PageHeader } from "@/components/page-header";
import { requirePageSession } from "@/server/auth/page-session";
import { findEntity } from "@/server/entities/resource";
import { services } from "@/server/entities/services";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function serviceName(id: string): Promise<string | null> {
  return (await findEntity(services, decodeURIComponent(id)))?.name ?? null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await serviceName((await params).id).catch(() => null);
  return { title: name ? `Service ${name}` : "Service" };
}

export default async function ServicePage({ params }: Props) {
  const { id } = await params;
  await requirePageSession(`/services/${id}`);
  const name = await serviceName(id);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Services", href: "/services" }, { label: name ?? id }]}
        title={name ? `Service ${name}` : "Service"}
      />
      <ServiceDetail id={id} />
    </>
  );
}
