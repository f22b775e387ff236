// No "server-only" here: this module is also loaded by instrumentation (the distributor) and tests.

type Node = Record<string, unknown>;

const asList = (value: unknown): Node[] =>
  Array.isArray(value)
    ? value.filter((v): v is Node => typeof v === "object" && v !== null && !Array.isArray(v))
    : [];

/**
 * Every plugin name a declarative document uses, at any scope (global, service, route, consumer),
 * enabled or not: a data plane refuses a document naming a plugin it does not have.
 */
export function pluginsUsed(doc: unknown): Set<string> {
  const names = new Set<string>();
  const addPlugins = (owner: Node) => {
    for (const plugin of asList(owner.plugins)) {
      if (typeof plugin.name === "string") names.add(plugin.name);
    }
  };
  if (typeof doc !== "object" || doc === null) return names;
  const root = doc as Node;
  addPlugins(root);
  for (const service of asList(root.services)) {
    addPlugins(service);
    for (const route of asList(service.routes)) addPlugins(route);
  }
  for (const route of asList(root.routes)) addPlugins(route);
  for (const consumer of asList(root.consumers)) addPlugins(consumer);
  return names;
}

/** The names in `used` that `available` (a data plane's reported plugin set) lacks, sorted. */
export function missingPlugins(
  used: Set<string>,
  available: readonly { name: string }[],
): string[] {
  const have = new Set(available.map((p) => p.name));
  return [...used].filter((name) => !have.has(name)).sort();
}
