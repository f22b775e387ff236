import type { Metadata } from "next";
import { requirePageSession } from "@/server/auth/page-session";
import { listServices } from "@/server/services/list-services";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Services" };

export default async function ServicesPage() {
  await requirePageSession("/services");
  const services = await listServices();
  return (
    <>
      <h1>Services</h1>
      <p className="lead">Upstream services the gateway forwards traffic to.</p>
      {services.length === 0 ? (
        <p className="empty">No services yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              {services.length} {services.length === 1 ? "service" : "services"}
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Upstream URL</th>
                <th scope="col" className="num">
                  Routes
                </th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {services.map((service) => (
                <tr key={service.id}>
                  <th scope="row">{service.name}</th>
                  <td>
                    <code>{service.url}</code>
                  </td>
                  <td className="num">{service.routeCount}</td>
                  <td>
                    {service.tags.length === 0 ? (
                      <span className="muted">—</span>
                    ) : (
                      <ul className="tags" aria-label={`Tags of ${service.name}`}>
                        {service.tags.map((tag) => (
                          <li key={tag}>{tag}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
