/**
 * A compressed (radix) trie of string prefixes. Kong's prefix paths are plain string prefixes
 * (`/foo` matches `/foo`, `/foo/bar` and `/foobar`), so edges are split on characters, not on
 * path segments. A lookup walks the request path once and visits only the nodes whose key is a
 * prefix of it: its cost depends on the path length, not on the number of stored prefixes.
 */

interface RadixNode<V> {
  /** Edge label leading into this node (empty for the root). */
  label: string;
  children: Map<number, RadixNode<V>> | null;
  values: V[] | null;
}

function node<V>(label: string): RadixNode<V> {
  return { label, children: null, values: null };
}

function commonPrefixLength(a: string, aStart: number, b: string): number {
  const max = Math.min(a.length - aStart, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(aStart + i) === b.charCodeAt(i)) i++;
  return i;
}

export class RadixTree<V> {
  private readonly root: RadixNode<V> = node("");

  insert(key: string, value: V): void {
    let current = this.root;
    let i = 0;
    for (;;) {
      if (i === key.length) {
        (current.values ??= []).push(value);
        return;
      }
      const first = key.charCodeAt(i);
      const child = current.children?.get(first);
      if (child === undefined) {
        const leaf = node<V>(key.slice(i));
        leaf.values = [value];
        (current.children ??= new Map()).set(first, leaf);
        return;
      }
      const common = commonPrefixLength(key, i, child.label);
      if (common === child.label.length) {
        current = child;
        i += common;
        continue;
      }
      // Split the edge: current -> mid (common part) -> child (rest of its label).
      const mid = node<V>(child.label.slice(0, common));
      child.label = child.label.slice(common);
      mid.children = new Map([[child.label.charCodeAt(0), child]]);
      (current.children as Map<number, RadixNode<V>>).set(first, mid);
      current = mid;
      i += common;
    }
  }

  /**
   * Calls `visit(values, prefixLength)` for every stored key that is a prefix of `input`,
   * shortest first.
   */
  forEachPrefixOf(input: string, visit: (values: V[], prefixLength: number) => void): void {
    let current = this.root;
    let i = 0;
    for (;;) {
      if (current.values !== null) visit(current.values, i);
      if (i === input.length || current.children === null) return;
      const child = current.children.get(input.charCodeAt(i));
      if (child === undefined || !input.startsWith(child.label, i)) return;
      current = child;
      i += child.label.length;
    }
  }
}
