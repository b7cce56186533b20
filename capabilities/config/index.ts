// Public surface of the configuration capability.
export {
  loadConfig,
  resolveConfig,
  ConfigError,
  type LoadInput,
  type LoadResult,
  type ResolveResult,
  type ConfigFileInfo,
} from "./load";
export { describeConfig, storageAddress, maskUrlPassword, scrubSecrets, MASK } from "./describe";
export { parseDuration, formatDuration } from "./duration";
export {
  CONFIG_KEYS,
  CONFIG_FILE_ENV,
  CONFIG_FILE_FLAG,
  DEFAULT_CONFIG_PATH,
  type KeySpec,
} from "./keys";
export {
  STORAGE_TYPES,
  type HighlanderConfig,
  type StorageType,
  type WorkloadKind,
  type ConfigWorkload,
} from "./types";
