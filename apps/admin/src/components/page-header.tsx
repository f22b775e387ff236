"use client";

import { Anchor, Breadcrumbs, Text } from "@mantine/core";
import Link from "next/link";

export interface Crumb {
  label: string;
  href?: string;
}

/** Breadcrumbs (the trail up to this page) and the page's h1. */
export function PageHeader({ crumbs, title }: { crumbs: Crumb[]; title: string }) {
  return (
    <>
      <nav aria-label="Breadcrumbs">
        <Breadcrumbs separator="›" mb="xs">
          {crumbs.map((c) =>
            c.href ? (
              <Anchor key={c.label} component={Link} href={c.href} size="sm">
                {c.label}
              </Anchor>
            ) : (
              <Text key={c.label} size="sm" aria-current="page">
                {c.label}
              </Text>
            ),
          )}
        </Breadcrumbs>
      </nav>
      <h1>{title}</h1>
    </>
  );
}
