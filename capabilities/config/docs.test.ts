// docs/configuration.md must mention every key, variable and flag the loader knows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, CONFIG_KEYS, DEFAULT_CONFIG_PATH } from "./keys";

const doc = readFileSync(join(__dirname, "..", "..", "docs", "configuration.md"), "utf8");

describe("docs/configuration.md", () => {
  it.each(CONFIG_KEYS.map(k => [k.path, k]))(
    "documents %s with its variables and flag",
    (_path, key) => {
      expect(doc).toContain(`\`${key.path}\``);
      for (const env of key.env) expect(doc).toContain(`\`${env}\``);
      expect(doc).toContain(`\`${key.flag}\``);
    },
  );

  it("documents how the file is chosen", () => {
    for (const text of [CONFIG_FILE_ENV, CONFIG_FILE_FLAG, DEFAULT_CONFIG_PATH])
      expect(doc).toContain(text);
  });

  it("contains the predecessor's sample verbatim", () => {
    const sample = readFileSync(join(__dirname, "fixtures", "predecessor-readme.yaml"), "utf8");
    expect(doc).toContain(sample.trim());
  });
});

describe("the commented sample in the docs", () => {
  it("loads without problems or warnings", async () => {
    const { resolveConfig } = await import("./load");
    const start = doc.indexOf("## A commented sample");
    const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(start))?.[1];
    expect(block).toBeDefined();
    const result = resolveConfig({
      argv: ["--config=/sample.yaml"],
      env: {},
      hostname: "h",
      readFile: () => block ?? "",
    });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.config?.workloads.map(w => w.name)).toEqual([
      "ledger-compactor",
      "nightly-report",
      "admin-api",
      "queue",
    ]);
    expect(result.config?.storageType).toBe("redis");
  });
});
