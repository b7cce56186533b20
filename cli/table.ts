// kubectl-style plain columns: a header row, then one row per item, padded to the widest cell.
// Cells are made printable first (cli/printable.ts): they hold text from specs and status.
import { printable } from "./printable";

export function formatTable(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map(r => r.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("   ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
