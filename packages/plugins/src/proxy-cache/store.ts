import { LRUCache } from "lru-cache";

/** What the memory strategy keeps per cache key (Kong's cached `res`). */
export interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** seconds since the epoch when stored */
  timestamp: number;
  /** the entry's freshness, seconds (cache_ttl, or the resource's TTL with cache_control) */
  ttl: number;
  version: number;
}

export const CACHE_VERSION = 1;

/**
 * Bytes one dictionary may hold (bodies + header text + a fixed overhead per entry); least recently used
 * entries are evicted past it. GATEHOUSE_PROXY_CACHE_MAX_BYTES overrides the 64 MiB default.
 */
export const DICTIONARY_MAX_BYTES = (() => {
  const env = Number(process.env.GATEHOUSE_PROXY_CACHE_MAX_BYTES);
  return Number.isInteger(env) && env > 0 ? env : 64 * 1024 * 1024;
})();

const ENTRY_OVERHEAD = 256;

function sizeOf(r: CachedResponse): number {
  let n = ENTRY_OVERHEAD + r.body.length;
  for (const [k, v] of Object.entries(r.headers)) {
    n += k.length + (Array.isArray(v) ? v.reduce((a, s) => a + s.length + 4, 0) : v.length + 4);
  }
  return n;
}

/** One in-memory dictionary (Kong's shared dict): an LRU bounded in bytes, each entry with its own TTL. */
export class MemoryDictionary {
  private readonly lru: LRUCache<string, CachedResponse>;

  constructor(readonly maxBytes = DICTIONARY_MAX_BYTES) {
    this.lru = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      maxEntrySize: maxBytes,
      sizeCalculation: sizeOf,
      ttlAutopurge: false,
    });
  }

  fetch(key: string): CachedResponse | undefined {
    return this.lru.get(key);
  }

  /** Stores `res` for `ttlSeconds` (an entry larger than the dictionary is not stored). */
  store(key: string, res: CachedResponse, ttlSeconds: number): void {
    this.lru.set(key, res, { ttl: ttlSeconds * 1000 });
  }

  purge(key: string): boolean {
    return this.lru.delete(key);
  }

  flush(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }
}

const dictionaries = new Map<string, MemoryDictionary>();

/** The process's dictionary of that name (created on first use). */
export function dictionary(name: string): MemoryDictionary {
  let d = dictionaries.get(name);
  if (d === undefined) {
    d = new MemoryDictionary();
    dictionaries.set(name, d);
  }
  return d;
}

/** Drops the dictionaries no running config names any more (their memory is freed). */
export function retainDictionaries(names: ReadonlySet<string>): void {
  for (const name of dictionaries.keys()) if (!names.has(name)) dictionaries.delete(name);
}

/** Where an instance keeps its entries: its memory dictionary, or its Redis (async). */
export interface CacheStrategy {
  fetch(key: string): CachedResponse | undefined | Promise<CachedResponse | undefined>;
  store(key: string, res: CachedResponse, ttlSeconds: number): void | Promise<void>;
  purge(key: string): boolean | Promise<boolean>;
  flush(): void | Promise<void>;
}
