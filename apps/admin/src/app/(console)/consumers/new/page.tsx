import type { Metadata } from "next";
import { ConsumerDetail } from "@/components/entity/details";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New consumer" };

export default async function NewConsumerPage() {
  await requirePageSession("/consumers/new", "editor");
  return (
    <>
      <h1>New consumer</h1>
      <ConsumerDetail id={null} />
    </>
  );
}
