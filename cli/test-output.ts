// For the CLI's unit tests: runs a function with process.stdout/stderr writes captured.
import { vi } from "vitest";

export interface Captured<T> {
  result: T;
  stdout: string;
  stderr: string;
}

export async function captured<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation(chunk => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(chunk => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { result: await fn(), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
