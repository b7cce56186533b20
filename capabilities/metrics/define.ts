// Idempotent metric constructors. Tests (and a module bundled twice) import metric modules more than
// once, and prom-client throws when a name is registered twice, so every constructor first asks the
// registry for an existing metric of that name and returns it.
import { Counter, Gauge, Histogram, register, type Registry } from "prom-client";

/** Every metric we define carries the predecessor's prefix, so existing alerts keep working. */
export const METRIC_PREFIX = "k8_highlander_";

interface Definition<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** A gauge may compute its value when scraped (prom-client calls collect with the gauge as this). */
interface GaugeDefinition<L extends string> extends Definition<L> {
  collect?: (this: Gauge<L>) => void;
}

function existing<T>(
  registry: Registry,
  name: string,
  type: abstract new (...args: never[]) => T,
): T | undefined {
  const found = registry.getSingleMetric(name);
  if (found === undefined) return undefined;
  if (!(found instanceof type)) {
    throw new Error(`metric ${name} is already registered with a different type`);
  }
  return found;
}

export function defineCounter<L extends string>(
  def: Definition<L>,
  registry: Registry = register,
): Counter<L> {
  return (
    existing<Counter<L>>(registry, def.name, Counter) ??
    new Counter<L>({ ...def, labelNames: def.labelNames ?? [], registers: [registry] })
  );
}

export function defineGauge<L extends string>(
  def: GaugeDefinition<L>,
  registry: Registry = register,
): Gauge<L> {
  return (
    existing<Gauge<L>>(registry, def.name, Gauge) ??
    new Gauge<L>({ ...def, labelNames: def.labelNames ?? [], registers: [registry] })
  );
}

export function defineHistogram<L extends string>(
  def: Definition<L> & { buckets: number[] },
  registry: Registry = register,
): Histogram<L> {
  return (
    existing<Histogram<L>>(registry, def.name, Histogram) ??
    new Histogram<L>({ ...def, labelNames: def.labelNames ?? [], registers: [registry] })
  );
}

/** prom-client's exponentialBuckets without the import dance: start, start*factor, … (count items). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}
