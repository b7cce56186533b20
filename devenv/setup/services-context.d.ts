// Values the storage global setup (services.global.ts) hands to test files through provide/inject.
// `kubeconfig` is declared in provided-context.d.ts and reused, not redeclared.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** redis:// URL of a real Redis server. */
    redisUrl: string;
    /** postgres:// URL of a real PostgreSQL server. */
    databaseUrl: string;
    /** host:port of a real Cloud Spanner emulator (gRPC). */
    spannerEmulatorHost: string;
  }
}
