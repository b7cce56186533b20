import { describe, expect, it } from "vitest";
import { metricFamilies } from "./metric-families";

const TEXT = `# HELP a_total A counter.
# TYPE a_total counter
a_total{kind="x",name="y"} 1
a_total{kind="z"} 2
# TYPE h_seconds histogram
h_seconds_bucket{le="0.5",op="get"} 1
h_seconds_sum{op="get"} 0.2
h_seconds_count{op="get"} 1
# TYPE g gauge
g 3
`;

describe("metricFamilies", () => {
  it("has each family's type and the label names of its samples, le left out", () => {
    const families = metricFamilies(TEXT);
    expect([...families.keys()]).toEqual(["a_total", "h_seconds", "g"]);
    expect(families.get("a_total")).toEqual({ type: "counter", labels: new Set(["kind", "name"]) });
    expect(families.get("h_seconds")).toEqual({ type: "histogram", labels: new Set(["op"]) });
    expect(families.get("g")?.labels.size).toBe(0);
  });
});
