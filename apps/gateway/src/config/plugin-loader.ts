// The plugin loader (GATEHOUSE_PLUGINS / --plugins) lives in @gatehouse/plugins: the control plane
// loads the same plugin set with it.
export { loadPlugins, PluginLoadError } from "@gatehouse/plugins/load";
export type { LoadedPlugin } from "@gatehouse/plugins/load";
