// The lock-storage drivers are installed in three places outside npm (the image recipe, the kustomize
// init container and the chart's init container): each must name exactly the versions package.json
// pins, which are the ones storage/driver.ts was tested with.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..", "..");
const read = (file: string): string => readFileSync(join(root, file), "utf8");

const DRIVERS = ["ioredis", "pg", "@google-cloud/spanner"];

const pkg = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
const pinned = DRIVERS.map(name => `${name}@${pkg.dependencies[name]}`).sort();

/** `name@version` words of a text, for the driver packages only. */
function driverSpecs(text: string): string[] {
  const words = text.match(/(@[a-z0-9-]+\/)?[a-z0-9.-]+@[0-9][^\s"',\]]*/g) ?? [];
  return words.filter(w => DRIVERS.includes(w.slice(0, w.lastIndexOf("@")))).sort();
}

describe("storage driver versions", () => {
  it("are pinned in package.json", () => {
    for (const spec of pinned) expect(spec).toMatch(/@\d+\.\d+\.\d+$/);
  });

  it.each([
    ["the image recipe", "manifests/image/Dockerfile"],
    ["the kustomize init container", "manifests/optional/drivers-init/kustomization.yaml"],
  ])("match package.json in %s", (_, file) => {
    expect(driverSpecs(read(file))).toEqual(pinned);
  });

  it("match package.json in the chart's drivers.packages", () => {
    const values = parse(read("charts/highlander/values.yaml")) as {
      drivers: { install: boolean; packages: string[] };
    };
    expect([...values.drivers.packages].sort()).toEqual(pinned);
    expect(values.drivers.install).toBe(false);
  });
});
