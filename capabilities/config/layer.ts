// A source's contribution before typing: raw values by key path, each with where it came from, so
// a problem can say "from HIGHLANDER_REDIS_DB" and /debug/status can show each key's origin.

export interface RawValue {
  raw: unknown;
  /** "flag --port", "env HIGHLANDER_PORT", "file /etc/highlander/config.yaml", "default". */
  origin: string;
}

export interface Layer {
  values: Map<string, RawValue>;
  problems: string[];
  warnings: string[];
}

export function emptyLayer(): Layer {
  return { values: new Map(), problems: [], warnings: [] };
}

/** Merges layers given highest precedence first: the first layer that sets a key wins. */
export function mergeLayers(layers: readonly Layer[]): Map<string, RawValue> {
  const merged = new Map<string, RawValue>();
  for (const layer of layers) {
    for (const [path, value] of layer.values) {
      if (!merged.has(path)) merged.set(path, value);
    }
  }
  return merged;
}
