import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { UpstreamDetail } from "@/components/upstreams/upstream-detail";
import { requirePageSession } from "@/server/auth/page-session";
import { findEntity } from "@/server/entities/resource";
import { upstreams } from "@/server/entities/upstreams";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function upstreamName(id: string): Promise<string | null> {
  return (await findEntity(upstreams, decodeURIComponent(id)))?.name ?? null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await upstreamName((await params).id).catch(() => null);
  return { title: name ? `Upstream ${name}` : "Upstream" };
}

export default async function UpstreamPage({ params }: Props) {
  const { id } = await params;
  await requirePageSession(`/upstreams/${id}`);
  const name = await upstreamName(id);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Upstreams", href: "/upstreams" }, { label: name ?? id }]}
        title={name ? `Upstream ${name}` : "Upstream"}
      />
      <UpstreamDetail id={id} />
    </>
  );
}
