import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

// The monorepo root: Turbopack resolves and output tracing follows files up to here (workspace packages).
const monorepoRoot = fileURLToPath(new URL("../../", import.meta.url));

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  // Loaded with Node's own require/import at run time instead of being bundled: the Prisma client
  // (generated into @gatehouse/db) and the PostgreSQL driver use Node-specific features.
  serverExternalPackages: ["@gatehouse/db", "@prisma/client", "@prisma/adapter-pg", "pg"],
  // Nothing is fetched from the internet: no remote images, no Google fonts.
  images: { unoptimized: true },
};

export default nextConfig;
