// /metrics in the text format, rendered a part at a time. prom-client renders a whole registry in one
// go; at 10,000 workloads that is 150,000 lines (the predecessor's per-workload series, most of them
// workload_startup_duration_seconds buckets) and held the operator's only thread for 0.5-2.3 s, longer
// than a lock renewal may wait (npm run bench -- scale). Here each family, and each slice of a large
// one, is formatted by prom-client's own formatter on a turn of the event loop of its own; scrapes that
// arrive during a render share it.
import { Registry } from "prom-client";
import { nextTurn } from "../runtime/next-turn";

/** Series formatted per turn: about 5 ms of work on this project's 2-core bench machine. */
const SLICE = 2_000;

/** What prom-client's metric objects return from get() (its types leave the values' shape open). */
interface FamilyData {
  name: string;
  help: string;
  type: string;
  values: unknown[];
}

/**
 * A metric as prom-client's registry formats it: `getForPromString` (histograms; not in prom-client's
 * type definitions) leaves the bucket label shared and costs half of what `get` does at 10,000 series.
 */
interface Family {
  get(): FamilyData | Promise<FamilyData>;
  getForPromString?(): FamilyData | Promise<FamilyData>;
}

/** prom-client's per-family formatter (Registry#getMetricsAsString; not in its type definitions). */
interface FamilyFormatter {
  getMetricsAsString(family: Family | { getForPromString(): FamilyData }): Promise<string>;
}

const rendering = new WeakMap<Registry, Promise<string>>();

/** The registry's text exposition, as `registry.metrics()` gives it, without holding the thread. */
export function renderMetrics(registry: Registry): Promise<string> {
  // OpenMetrics renames counters as it renders; none of our registries use it.
  if (registry.contentType !== Registry.PROMETHEUS_CONTENT_TYPE) return registry.metrics();
  const running = rendering.get(registry);
  if (running) return running;
  const render = renderInTurns(registry).finally(() => rendering.delete(registry));
  rendering.set(registry, render);
  return render;
}

async function renderInTurns(registry: Registry): Promise<string> {
  const formatter = registry as unknown as FamilyFormatter;
  const families: string[] = [];
  for (const family of registry.getMetricsAsArray() as unknown as Family[]) {
    await nextTurn();
    const data = await (family.getForPromString?.() ?? family.get());
    const parts: string[] = [];
    for (let start = 0; start === 0 || start < data.values.length; start += SLICE) {
      if (start > 0) await nextTurn();
      const values = data.values.slice(start, start + SLICE);
      const text = await formatter.getMetricsAsString({
        getForPromString: () => ({ ...data, values }),
      });
      // Every slice comes with the family's # HELP and # TYPE lines; the first slice keeps them.
      parts.push(start === 0 ? text : text.split("\n").slice(2).join("\n"));
    }
    families.push(parts.join("\n"));
  }
  return `${families.join("\n\n")}\n`;
}
