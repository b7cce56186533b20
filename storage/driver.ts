// Storage drivers (ioredis, pg, @google-cloud/spanner) are loaded at run time, not bundled: Pepr's
// build bundles every dependency its own controller image lacks, and the Spanner client alone would
// push the module past the 1 MB that fits in the module Secret (and it reads proto files from its
// package folder, which a bundle does not have). The default Kubernetes Lease backend needs none of
// them; the others need the driver installed next to the module (see docs/operations.md).
import { createRequire } from "node:module";
import { join } from "node:path";

class MissingDriverError extends Error {
  constructor(driver: string, cause: unknown) {
    super(
      `the ${driver} package is not installed here: install it where the module can load it ` +
        `(docs/operations.md, "Choosing a storage backend": an image built from manifests/image/Dockerfile, or ` +
        `the drivers-init component), or choose storageType kubernetes`,
      { cause },
    );
    this.name = "MissingDriverError";
  }
}

/** `require(name)` resolved from the working directory, hidden from the bundler. */
export function loadDriver<T>(name: string): T {
  const requireFromCwd = createRequire(join(process.cwd(), "noop.js"));
  try {
    return requireFromCwd(name) as T;
  } catch (firstError) {
    try {
      // Beside this file (the repository, or an image that installed the drivers with the module).
      const requireHere = createRequire(__filename);
      return requireHere(name) as T;
    } catch {
      throw new MissingDriverError(name, firstError);
    }
  }
}
