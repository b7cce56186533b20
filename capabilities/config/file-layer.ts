// The YAML config file: its scalar keys become a layer; its `workloads` section is returned as is for
// workloads.ts. Like the predecessor (Go's yaml into zero values), an empty or null value means
// "not set", so `id: ""  # use the hostname` keeps working. Unknown keys are warnings, not errors:
// configs written for the predecessor may carry keys we do not use.
import { parse } from "yaml";
import { CONFIG_KEYS } from "./keys";
import { emptyLayer, type Layer } from "./layer";

export interface FileResult {
  layer: Layer;
  workloads: unknown;
}

const SECTIONS = new Set(
  CONFIG_KEYS.filter(k => k.path.includes(".")).map(k => k.path.split(".")[0] ?? ""),
);
/** Top-level keys handled elsewhere. */
const OTHER_TOP_LEVEL = new Set(["workloads"]);

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function fileLayer(text: string, path: string): FileResult {
  const layer = emptyLayer();
  const origin = `file ${path}`;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    layer.problems.push(`${path}: not valid YAML: ${message}`);
    return { layer, workloads: undefined };
  }
  if (doc === null || doc === undefined) return { layer, workloads: undefined };
  if (!isMapping(doc)) {
    layer.problems.push(`${path}: must be a YAML mapping of keys (id, tenant, ...)`);
    return { layer, workloads: undefined };
  }

  for (const section of SECTIONS) {
    const value = doc[section];
    if (value !== undefined && value !== null && !isMapping(value)) {
      layer.problems.push(
        `${section}: must be a mapping, got ${JSON.stringify(value)} (from ${origin})`,
      );
    }
  }

  for (const key of CONFIG_KEYS) {
    const value = lookup(doc, key.path);
    if (value === undefined || value === null || value === "") continue;
    layer.values.set(key.path, { raw: value, origin });
  }

  for (const [top, value] of Object.entries(doc)) {
    if (OTHER_TOP_LEVEL.has(top)) continue;
    if (SECTIONS.has(top)) {
      if (!isMapping(value)) continue;
      for (const sub of Object.keys(value)) {
        if (!CONFIG_KEYS.some(k => k.path === `${top}.${sub}`)) {
          layer.warnings.push(`${top}.${sub}: unknown key, ignored (in ${path})`);
        }
      }
    } else if (!CONFIG_KEYS.some(k => k.path === top)) {
      layer.warnings.push(`${top}: unknown key, ignored (in ${path})`);
    }
  }
  return { layer, workloads: doc.workloads };
}

function lookup(doc: Record<string, unknown>, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split(".")) {
    if (!isMapping(node)) return undefined;
    node = node[part];
  }
  return node;
}
