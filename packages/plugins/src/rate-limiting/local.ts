// policy local: the kit's fixed-window counters (one store per data plane process, or the node's
// under --workers: DataPlaneOptions.nodeCounters).
export {
  MemoryCounterStore as LocalCounters,
  MAX_MEMORY_COUNTERS as MAX_LOCAL_COUNTERS,
} from "@gatehouse/plugin-kit";
