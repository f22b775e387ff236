import type { Metadata } from "next";
import { ConsumerDetail } from "@/components/entity/details";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Consumer" };

export default async function ConsumerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageSession(`/consumers/${id}`);
  return (
    <>
      <h1>Consumer</h1>
      <ConsumerDetail id={id} />
    </>
  );
}
