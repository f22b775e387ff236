"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

interface NavItem {
  label: string;
  href?: string;
}

// Pages without an href are announced but not built yet (issue 6 fills them in).
const items: NavItem[] = [
  { label: "Services", href: "/services" },
  { label: "Routes" },
  { label: "Consumers" },
  { label: "Plugins" },
  { label: "Data planes" },
  { label: "API reference", href: "/api-reference" },
];

export function MainNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="main-nav">
      <ul>
        {items.map((item) => (
          <li key={item.label}>
            {item.href ? (
              <Link
                href={item.href}
                aria-current={pathname.startsWith(item.href) ? "page" : undefined}
              >
                {item.label}
              </Link>
            ) : (
              <span className="nav-soon" aria-disabled="true" title="Coming soon">
                {item.label}
              </span>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
