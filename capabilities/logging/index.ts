// Public surface of the logging capability.
export {
  createLogger,
  resourceLogger,
  componentLogger,
  type Logger,
  type ResourceRef,
} from "./logger";
export { LOG_LEVELS, isLogLevel, parseLogLevel, type LogLevel } from "./levels";
