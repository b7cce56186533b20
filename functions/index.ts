// The deployed Cloud Function: `leases`, an HTTP function for the Functions Framework
// (gcloud functions deploy … --entry-point leases). It adapts the framework's request to the
// framework-free service (service.ts) over the operator's own Spanner LockStore (createLockStore),
// created on the first request and reused by every later one on the same instance.
import * as functions from "@google-cloud/functions-framework";
import { createLockStore } from "../storage/factory";
import type { LockStore } from "../storage/types";
import { spannerConfigFromEnv } from "./config";
import { createLeaseService } from "./service";

let store: Promise<LockStore> | undefined;

function sharedStore(): Promise<LockStore> {
  store ??= createLockStore(spannerConfigFromEnv()).catch((err: unknown) => {
    store = undefined; // try again on the next request
    throw err;
  });
  return store;
}

const handle = createLeaseService({
  store: sharedStore,
  token: process.env.HIGHLANDER_LEASE_TOKEN,
  signingKey: process.env.HIGHLANDER_LEASE_SIGNING_KEY,
});

export const leases: functions.HttpFunction = async (req, res) => {
  // The framework keeps the exact bytes of every body it read in rawBody (JSON or not); the
  // service parses them itself, so every content type gets the same checks and messages.
  // The framework has read the body already (up to its own 1 GiB limit; Cloud Functions' front end
  // caps requests at 32 MiB): the service still refuses anything above its limit with 413. For a
  // refusal before the body is read, serve the service with server.ts instead.
  const body: unknown = req.rawBody ?? req.body;
  const length = Number(req.get("content-length") ?? "");
  const out = await handle({
    method: req.method,
    contentLength: Number.isFinite(length) ? length : undefined,
    path: req.originalUrl || req.url,
    authorization: req.get("authorization"),
    body,
  });
  res.status(out.status);
  for (const [name, value] of Object.entries(out.headers)) res.set(name, value);
  res.send(req.method === "HEAD" ? "" : out.body);
};

functions.http("leases", leases);
