import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FileServer {
  url: string;
  requests: { path: string; range: string | undefined; authorization: string | undefined }[];
  /** Paths whose next response is cut after this many bytes (then the connection is destroyed). */
  cutOnce: Map<string, number>;
  /** Paths whose next response is sent in 10 pieces, this many ms apart (a slow connection). */
  slowOnce: Map<string, number>;
  /** Paths whose next response stops after this many bytes and then sends nothing, connection left open. */
  stallOnce: Map<string, number>;
  close(): Promise<void>;
}

/** A local HTTP server for model downloads: serves buffers by path, honours Range, can cut a response once. */
export async function startFileServer(files: Map<string, Buffer>): Promise<FileServer> {
  const requests: FileServer["requests"] = [];
  const cutOnce = new Map<string, number>();
  const slowOnce = new Map<string, number>();
  const stallOnce = new Map<string, number>();
  const stalled: import("node:http").ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push({ path, range: req.headers.range, authorization: req.headers.authorization });
    const body = files.get(path);
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416).end();
        return;
      }
    }
    const slice = body.subarray(start);
    res.writeHead(m ? 206 : 200, {
      "content-length": slice.length,
      ...(m ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const gap = slowOnce.get(path);
    if (gap !== undefined) {
      slowOnce.delete(path);
      const size = Math.ceil(slice.length / 10);
      let at = 0;
      const next = () => {
        const piece = slice.subarray(at, at + size);
        at += size;
        if (at >= slice.length) res.end(piece);
        else res.write(piece, () => setTimeout(next, gap));
      };
      next();
      return;
    }
    const stall = stallOnce.get(path);
    if (stall !== undefined) {
      stallOnce.delete(path);
      stalled.push(res);
      res.write(slice.subarray(0, stall));
      return;
    }
    const cut = cutOnce.get(path);
    if (cut !== undefined) {
      cutOnce.delete(path);
      res.write(slice.subarray(0, cut), () => res.destroy());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutOnce,
    slowOnce,
    stallOnce,
    close: () =>
      new Promise((r) => {
        for (const res of stalled) res.destroy();
        server.close(() => r());
      }),
  };
}

/** A port on loopback with nothing listening (bound then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
