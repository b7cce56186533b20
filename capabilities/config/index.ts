// Public surface of the configuration capability.
export { loadConfig, resolveConfig, ConfigError } from "./load";
export { describeConfig, storageAddress } from "./describe";
export { type HighlanderConfig, type ConfigWorkload } from "./types";
