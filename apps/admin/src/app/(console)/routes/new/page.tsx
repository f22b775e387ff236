import type { Metadata } from "next";
import { RouteDetail } from "@/components/entity/details";
import { requirePageSession } from "@/server/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "New route" };

export default async function NewRoutePage() {
  await requirePageSession("/routes/new", "editor");
  return (
    <>
      <h1>New route</h1>
      <RouteDetail id={null} />
    </>
  );
}
