// Public surface of the logging capability.
export { createLogger, type Logger } from "./logger";
