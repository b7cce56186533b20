// A small TCP proxy on 127.0.0.1 for fault injection: between one client (an operator replica) and one
// server (kube-apiserver, a lock store). It works on bytes, so it is transparent to TLS (the apiserver's
// certificate names 127.0.0.1, whatever the port).
//
// - freeze(): keep accepting and reading, but hold every byte, in order, per connection and direction.
//   This is a network that delays delivery: the requests are not lost, they land later.
// - release(): deliver what was held, in order, then pass through again.
// - partition(): destroy every connection and hold new ones open without reading (a black hole) until
//   heal(); nothing sent meanwhile is ever delivered.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  freeze(): void;
  release(): void;
  partition(): void;
  heal(): void;
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
  /** What the proxy is doing now, for reports. */
  state(): "open" | "frozen" | "partitioned";
}

export interface TcpProxyOptions {
  target: { host: string; port: number };
  /** Port to listen on; default: any free one. */
  port?: number;
}

/** One direction of one connection: bytes flow from `from` to `to` unless the pipe is held. */
interface Pipe {
  from: Socket;
  to: Socket;
  held: Buffer[];
}

interface Connection {
  client: Socket;
  upstream: Socket;
  pipes: [Pipe, Pipe];
}

export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  let mode: "open" | "frozen" | "partitioned" = "open";
  const connections = new Set<Connection>();
  const parked = new Set<Socket>();

  const forward = (pipe: Pipe, chunk: Buffer) => {
    if (mode === "frozen" || pipe.held.length > 0) pipe.held.push(chunk);
    else if (!pipe.to.destroyed) pipe.to.write(chunk);
  };

  const flush = (pipe: Pipe) => {
    const chunks = pipe.held.splice(0);
    for (const chunk of chunks) if (!pipe.to.destroyed) pipe.to.write(chunk);
  };

  const destroyConnection = (conn: Connection) => {
    connections.delete(conn);
    conn.client.destroy();
    conn.upstream.destroy();
  };

  const attach = (client: Socket) => {
    const upstream = connect({ host: opts.target.host, port: opts.target.port });
    const up: Pipe = { from: client, to: upstream, held: [] };
    const down: Pipe = { from: upstream, to: client, held: [] };
    const conn: Connection = { client, upstream, pipes: [up, down] };
    connections.add(conn);
    client.on("data", (chunk: Buffer) => forward(up, chunk));
    upstream.on("data", (chunk: Buffer) => forward(down, chunk));
    // An end is delivered only after the held bytes, so it keeps its place in the stream.
    const endAfterHeld = (pipe: Pipe) => {
      const finish = () => {
        if (pipe.held.length > 0 || mode === "frozen") setTimeout(finish, 20);
        else pipe.to.end();
      };
      finish();
    };
    client.on("end", () => endAfterHeld(up));
    upstream.on("end", () => endAfterHeld(down));
    const close = () => {
      // Keep a frozen connection's other half open: its held bytes still have to be delivered.
      if (up.held.length > 0 || down.held.length > 0) return;
      destroyConnection(conn);
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  };

  const server: Server = createServer({ pauseOnConnect: true }, client => {
    if (mode === "partitioned") {
      // A black hole: accepted, never read, never answered.
      parked.add(client);
      client.on("error", () => parked.delete(client));
      client.on("close", () => parked.delete(client));
      return;
    }
    attach(client);
    client.resume();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;

  return {
    port,
    state: () => mode,
    freeze() {
      if (mode === "open") mode = "frozen";
    },
    release() {
      if (mode !== "frozen") return;
      mode = "open";
      for (const conn of connections) for (const pipe of conn.pipes) flush(pipe);
    },
    partition() {
      mode = "partitioned";
      for (const conn of [...connections]) {
        for (const pipe of conn.pipes) pipe.held.length = 0;
        destroyConnection(conn);
      }
    },
    heal() {
      if (mode !== "partitioned") return;
      mode = "open";
      // Parked clients sent bytes into the void; drop them so they reconnect cleanly.
      for (const socket of parked) socket.destroy();
      parked.clear();
    },
    async stop() {
      for (const conn of [...connections]) destroyConnection(conn);
      for (const socket of parked) socket.destroy();
      parked.clear();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}
