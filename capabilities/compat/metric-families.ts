// Metric families of a Prometheus text exposition: name, type and the label names its samples carry
// (histogram `le` and summary `quantile` left out). recorded.test.ts compares the predecessor's
// recorded /metrics with ours.

export interface MetricFamily {
  type: string;
  labels: Set<string>;
}

const SUFFIXES = ["_bucket", "_sum", "_count"];

export function metricFamilies(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const familyOf = (sample: string): MetricFamily | undefined => {
    const exact = families.get(sample);
    if (exact) return exact;
    const suffix = SUFFIXES.find(s => sample.endsWith(s));
    return suffix ? families.get(sample.slice(0, -suffix.length)) : undefined;
  };
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type?.[1] && type[2]) {
      families.set(type[1], { type: type[2], labels: new Set() });
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s/.exec(line);
    const family = sample?.[1] ? familyOf(sample[1]) : undefined;
    if (!family) continue;
    for (const label of (sample?.[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      if (label[1] && label[1] !== "le" && label[1] !== "quantile") family.labels.add(label[1]);
    }
  }
  return families;
}
