// Turns one raw value (a YAML scalar, or a string from the environment or a flag) into the key's type,
// or a problem message that names the key, the rule and the offending value.
import { parseDuration } from "./duration";
import type { KeySpec } from "./keys";
import type { RawValue } from "./layer";

export type Coerced =
  | { ok: true; value: string | number | boolean }
  | { ok: false; problem: string };

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

export function coerce(key: KeySpec, value: RawValue): Coerced {
  const shown = key.secret ? '"****"' : JSON.stringify(value.raw);
  const fail = (rule: string): Coerced => ({
    ok: false,
    problem: `${key.path}: ${rule}, got ${shown} (from ${value.origin})`,
  });
  const raw = value.raw;
  switch (key.kind) {
    case "string":
      // YAML turns `tenant: 2024` into a number; the operator meant the text.
      if (typeof raw === "string") return { ok: true, value: raw };
      if (typeof raw === "number" || typeof raw === "boolean")
        return { ok: true, value: String(raw) };
      return fail("must be a string");
    case "int": {
      const n =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : NaN;
      const range =
        key.max !== undefined
          ? `an integer from ${key.min ?? 0} to ${key.max}`
          : `an integer >= ${key.min ?? 0}`;
      if (!Number.isSafeInteger(n)) return fail(`must be ${range}`);
      if (key.min !== undefined && n < key.min) return fail(`must be ${range}`);
      if (key.max !== undefined && n > key.max) return fail(`must be ${range}`);
      return { ok: true, value: n };
    }
    case "bool":
      if (typeof raw === "boolean") return { ok: true, value: raw };
      if (typeof raw === "string") {
        const text = raw.trim().toLowerCase();
        if (TRUE.has(text)) return { ok: true, value: true };
        if (FALSE.has(text)) return { ok: true, value: false };
      }
      return fail("must be true or false");
    case "duration": {
      const ms = parseDuration(raw);
      if (ms === undefined) {
        return fail('must be a duration such as "15s", "1m30s", "500ms" or a number of seconds');
      }
      return { ok: true, value: ms };
    }
    case "enum": {
      const text = typeof raw === "string" ? raw.trim() : raw;
      const choices = key.choices ?? [];
      if (typeof text === "string" && choices.includes(text)) return { ok: true, value: text };
      return fail(`must be one of ${choices.join(", ")}`);
    }
  }
}
