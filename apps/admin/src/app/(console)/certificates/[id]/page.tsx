import type { Metadata } from "next";
import { certificateInfo } from "@gatehouse/config";
import { CertificateEditor } from "@/components/certificates/certificate-editor";
import { PageHeader } from "@/components/page-header";
import { requirePageSession } from "@/server/auth/page-session";
import { certificates } from "@/server/entities/certificates";
import { findEntity } from "@/server/entities/resource";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function certificateName(id: string): Promise<string | null> {
  const c = await findEntity(certificates, decodeURIComponent(id));
  return c ? (certificateInfo(c.cert)?.subject ?? c.id) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const name = await certificateName((await params).id).catch(() => null);
  return { title: name ? `Certificate ${name}` : "Certificate" };
}

export default async function CertificatePage({ params }: Props) {
  const { id } = await params;
  await requirePageSession(`/certificates/${id}`);
  const name = await certificateName(id);
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Certificates", href: "/certificates" }, { label: name ?? id }]}
        title={name ? `Certificate ${name}` : "Certificate"}
      />
      <CertificateEditor id={id} />
    </>
  );
}
