import type { Metadata } from "next";
import { ConsumersList } from "@/components/entity/lists";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Consumers" };

export default async function ConsumersPage() {
  await requirePageSession("/consumers");
  return (
    <>
      <h1>Consumers</h1>
      <p className="lead">The clients of your APIs, with their credentials.</p>
      <ConsumersList />
    </>
  );
}
