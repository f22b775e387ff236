import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The monorepo root: Turbopack resolves and output tracing follows files up to here (workspace packages).
const monorepoRoot = fileURLToPath(new URL("../../", import.meta.url));

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // GATEHOUSE_ADMIN_DIST_DIR lets a second build (e.g. a UI work tree's e2e run) live beside the
  // default .next without clobbering it; set it for both `next build` and `next start`.
  distDir: process.env.GATEHOUSE_ADMIN_DIST_DIR || ".next",
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  // Loaded with Node's own require/import at run time instead of being bundled: the Prisma client
  // (generated into @gatehouse/db) and the PostgreSQL driver use Node-specific features.
  // The workspace packages and zod are loaded by Node too, so the admin validates with exactly the
  // modules the data plane runs (one zod instance: JSON Schema metadata is shared).
  serverExternalPackages: [
    "@gatehouse/db",
    "@gatehouse/config",
    "@gatehouse/plugin-kit",
    "@gatehouse/plugins",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "zod",
    "yaml",
  ],
  // Nothing is fetched from the internet: no remote images, no Google fonts.
  images: { unoptimized: true },
};

export default nextConfig;
