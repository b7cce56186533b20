// The lease service on a plain node:http server (a container, Cloud Run, a VM), for deployments where
// the Functions Framework's own body parsing (which reads up to 1 GiB before the function runs) is
// not wanted. Here nothing of a body is read before the credentials were checked, a declared
// Content-Length above the limit is refused with 413 at once, and a body that grows past the limit
// while streaming is cut off with 413.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { authenticate, type Credentials } from "./auth";
import { route } from "./routes";
import type { LeaseHandler, ServiceResponse } from "./service";
import { MAX_BODY_BYTES } from "./validate";

export interface LeaseServerOptions {
  handle: LeaseHandler;
  credentials: Credentials;
  maxBodyBytes?: number;
}

function send(res: ServerResponse, out: ServiceResponse, head: boolean): void {
  res.writeHead(out.status, out.headers);
  res.end(head ? "" : out.body);
}

/** Answers, then closes the connection once the answer is out: the rest of the body is never read. */
function refuse(req: IncomingMessage, res: ServerResponse, out: ServiceResponse): void {
  res.on("finish", () => req.socket.destroy());
  res.writeHead(out.status, { ...out.headers, connection: "close" });
  res.end(out.body);
}

function tooLarge(limit: number): ServiceResponse {
  return {
    status: 413,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: `${JSON.stringify({ error: `request body is larger than ${limit} bytes` })}\n`,
  };
}

/** Reads at most `limit` bytes; undefined when the body is larger (reading stops there). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function createLeaseServer(opts: LeaseServerOptions): Server {
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  return createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? "GET").toUpperCase();
      const path = req.url ?? "/";
      const authorization = req.headers.authorization;
      const base = { method, path, authorization };
      if (route(method, path).kind !== "action") {
        // No route but the actions takes a body: answer without reading one.
        req.resume();
        send(res, await opts.handle(base), method === "HEAD");
        return;
      }
      // Credentials first: an unauthenticated caller gets 401 before one byte of its body is read.
      if (!authenticate(opts.credentials, authorization).ok) {
        refuse(req, res, await opts.handle(base));
        return;
      }
      const declared = Number(req.headers["content-length"] ?? "");
      if (Number.isFinite(declared) && declared > limit) {
        refuse(req, res, tooLarge(limit));
        return;
      }
      const body = await readBody(req, limit);
      if (body === undefined) {
        refuse(req, res, tooLarge(limit));
        return;
      }
      send(res, await opts.handle({ ...base, body }), false);
    })().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (res.headersSent) res.destroy();
      else
        refuse(req, res, {
          ...tooLarge(limit),
          status: 500,
          body: JSON.stringify({ error: message }),
        });
    });
  });
}
