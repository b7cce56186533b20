import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import {
  CHUNK_BYTES,
  componentKustomization,
  moduleSecrets,
  moduleVolume,
  packModule,
  partKey,
  toYamlStream,
} from "./module-artifacts";

// Incompressible content, so that gzip output is as large as the input and splits into parts.
function randomish(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash("sha256").update("seed").digest();
  for (let at = 0; at < bytes; at += block.length) {
    block.copy(out, at);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

describe("packModule", () => {
  it("hashes the uncompressed bundle and splits the gzip into parts that join back", () => {
    const bundle = randomish(CHUNK_BYTES * 2 + 1000);
    const mod = packModule(bundle);
    expect(mod.hash).toBe(createHash("sha256").update(bundle).digest("hex"));
    expect(mod.parts.length).toBe(3);
    expect(gunzipSync(Buffer.concat(mod.parts)).equals(bundle)).toBe(true);
  });

  it("keeps a small module in one part and is deterministic", () => {
    const bundle = Buffer.from("console.log('hi')\n".repeat(100));
    const a = packModule(bundle);
    const b = packModule(bundle);
    expect(a.parts.length).toBe(1);
    expect(Buffer.concat(a.parts).equals(Buffer.concat(b.parts))).toBe(true);
  });
});

describe("module Secrets", () => {
  const mod = packModule(randomish(CHUNK_BYTES + 10), CHUNK_BYTES);

  it("stay under the 1 MiB object limit, one ordered key per part", () => {
    const secrets = moduleSecrets(mod, "highlander-system");
    expect(secrets.map(s => (s.metadata as { name: string }).name)).toEqual([
      "highlander-module-0",
      "highlander-module-1",
    ]);
    secrets.forEach((s, i) => {
      const data = s.data as Record<string, string>;
      expect(Object.keys(data)).toEqual([partKey(mod.hash, i)]);
      expect(JSON.stringify(s).length).toBeLessThan(1024 * 1024);
    });
    expect(partKey(mod.hash, 1)).toBe(`module-${mod.hash}.js.gz.001`);
    const docs = parseAllDocuments(toYamlStream(secrets)).map(
      d => d.toJS() as { metadata: { namespace?: string } },
    );
    expect(docs.map(d => d.metadata.namespace)).toEqual(["highlander-system", "highlander-system"]);
    expect(moduleSecrets(mod).every(s => !("namespace" in (s.metadata as object)))).toBe(true);
  });

  it("are all projected into the module volume, and the component patches hash and volume", () => {
    expect(moduleVolume(mod)).toEqual({
      name: "module",
      projected: {
        sources: [
          { secret: { name: "highlander-module-0" } },
          { secret: { name: "highlander-module-1" } },
        ],
      },
    });
    const k = parse(componentKustomization(mod)) as {
      kind: string;
      resources: string[];
      patches: { patch: string }[];
    };
    expect(k.kind).toBe("Component");
    expect(k.resources).toEqual(["module-secrets.yaml"]);
    const patch = parse(k.patches[0].patch) as {
      spec: {
        template: {
          spec: { containers: { env: { name: string; value: string }[] }[]; volumes: unknown[] };
        };
      };
    };
    expect(patch.spec.template.spec.containers[0].env).toEqual([
      { name: "HIGHLANDER_MODULE_HASH", value: mod.hash },
    ]);
    expect(patch.spec.template.spec.volumes).toEqual([moduleVolume(mod)]);
  });
});
