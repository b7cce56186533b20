// The predecessor's JSON envelope, kept so its API clients keep working:
// {status: "success", data} or {status: "error", error, data?}.

export type Envelope =
  | { status: "success"; data: unknown }
  | { status: "error"; error: string; data?: unknown };

export function success(data: unknown): Envelope {
  return { status: "success", data };
}

export function failure(error: string, data?: unknown): Envelope {
  return data === undefined ? { status: "error", error } : { status: "error", error, data };
}
