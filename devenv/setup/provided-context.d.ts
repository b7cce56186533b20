// Values the e2e global setups hand to test files through vitest's provide/inject.
// (A .d.ts of its own: importing "vitest" inside a global setup file breaks vitest.)
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Path of an admin kubeconfig for the real local control plane. */
    kubeconfig: string;
  }
}
