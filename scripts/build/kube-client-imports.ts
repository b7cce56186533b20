// The value names TypeScript sources import from @kubernetes/client-node (`import { A, type B, C as
// D } from "@kubernetes/client-node"` gives A and C), for the CLI's vendored copy of that package
// (scripts/build/cli-bundle.ts), which exports just those.

const IMPORT = /import\s*(type\s+)?\{([^}]*)\}\s*from\s*["']@kubernetes\/client-node["']/g;

export function kubeClientImports(sources: readonly string[]): string[] {
  const names = new Set<string>();
  for (const source of sources) {
    for (const m of source.matchAll(IMPORT)) {
      if (m[1]) continue; // `import type { … }` has no values
      for (const raw of m[2].split(",")) {
        const spec = raw.trim();
        if (spec === "" || spec.startsWith("type ")) continue;
        names.add(spec.split(/\s+as\s+/)[0].trim());
      }
    }
    if (/import\s*\*\s*as\s+\w+\s+from\s*["']@kubernetes\/client-node["']/.test(source)) {
      throw new Error("a namespace import of @kubernetes/client-node: name the imports instead");
    }
  }
  return [...names].sort();
}
