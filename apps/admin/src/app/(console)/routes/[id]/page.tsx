import type { Metadata } from "next";
import Link from "next/link";
import { RouteDetail } from "@/components/entity/details";
import { EffectiveChainView } from "@/components/effective-chain";
import type { Crumb } from "@/components/page-header";
import { PageHeader } from "@/components/page-header";
import { requirePageSession } from "@/server/auth/page-session";
import { findEntity } from "@/server/entities/resource";
import { routes } from "@/server/entities/routes";
import { services } from "@/server/entities/services";
import { effectiveChain } from "@/server/routes/effective-chain";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

async function routeAndService(id: string) {
  const route = await findEntity(routes, decodeURIComponent(id));
  const service = route?.serviceId ? await findEntity(services, route.serviceId) : null;
  return { route, service };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { route } = await routeAndService((await params).id).catch(() => ({ route: null }));
  return { title: route ? `Route ${route.name ?? route.id}` : "Route" };
}

export default async function RoutePage({ params }: Props) {
  const { id } = await params;
  await requirePageSession(`/routes/${id}`);
  const [{ route, service }, chain] = await Promise.all([routeAndService(id), effectiveChain(id)]);
  const name = route ? (route.name ?? route.id) : id;
  // A route of a service sits under it: Services › billing › route; else under Routes.
  const crumbs: Crumb[] = service
    ? [
        { label: "Services", href: "/services" },
        { label: service.name, href: `/services/${service.id}` },
        { label: name },
      ]
    : [{ label: "Routes", href: "/routes" }, { label: name }];
  return (
    <>
      <PageHeader crumbs={crumbs} title={route ? `Route ${name}` : "Route"} />
      {service ? (
        <p className="lead">
          Sends matching requests to the service{" "}
          <Link href={`/services/${service.id}`}>{service.name}</Link>.
        </p>
      ) : route ? (
        <p className="lead">
          This route has no service: requests it matches need a plugin that answers them.
        </p>
      ) : null}
      <div className="detail-grid">
        <RouteDetail id={id} />
        {chain ? <EffectiveChainView chain={chain} /> : null}
      </div>
    </>
  );
}
