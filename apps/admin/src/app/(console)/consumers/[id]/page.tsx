import type { Metadata } from "next";
import { ConsumerDetail } from "@/components/entity/details";
import { PageHeader } from "@/components/page-header";
import { requirePageSession } from "@/server/auth/page-session";
import { consumers } from "@/server/entities/consumers";
import { findEntity } from "@/server/entities/resource";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function consumerName(id: string): Promise<string | null> {
  const c = await findEntity(consumers, decodeURIComponent(id));
  return c ? (c.username ?? c.customId ?? c.id) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await consumerName((await params).id).catch(() => null);
  return { title: name ? `Consumer ${name}` : "Consumer" };
}

export default async function ConsumerPage({ params }: Props) {
  const { id } = await params;
  await requirePageSession(`/consumers/${id}`);
  const name = await consumerName(id);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Consumers", href: "/consumers" }, { label: name ?? id }]}
        title={name ? `Consumer ${name}` : "Consumer"}
      />
      <ConsumerDetail id={id} />
    </>
  );
}
