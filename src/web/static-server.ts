// A small static file server for the built web app (web/dist) and the model folder: `ser-gpu serve` and the
// browser tests. GET and HEAD only; paths are resolved inside their mount, never above it.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StaticServerOptions {
  /** URL prefix ("/", "/app/") → folder. The longest matching prefix wins. */
  mounts: Record<string, string>;
  /** URL path → one file, served before any mount ("/model/model.json" → its path). */
  files?: Record<string, string>;
  host?: string;
  /** 0: an ephemeral port. */
  port?: number;
}

export interface StaticServer {
  server: Server;
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}

export async function startStaticServer({ mounts, files = {}, host = '127.0.0.1', port = 0 }: StaticServerOptions): Promise<StaticServer> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer((request, response) => {
    const fail = (status: number, message: string) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${message}\n`);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405, 'only GET and HEAD');
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    } catch {
      return fail(400, 'bad URL');
    }
    let file = files[path];
    if (file === undefined) {
      const prefix = prefixes.find((p) => path.startsWith(p));
      if (prefix === undefined) return fail(404, `not found: ${path}`);
      const root = normalize(mounts[prefix]);
      file = normalize(join(root, path.slice(prefix.length)));
      if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return fail(403, 'outside the served folder');
    }
    let size: number;
    try {
      let stat = statSync(file);
      if (stat.isDirectory()) {
        file = join(file, 'index.html');
        stat = statSync(file);
      }
      size = stat.size;
    } catch {
      return fail(404, `not found: ${path}`);
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-cache',
    });
    if (request.method === 'HEAD') return response.end();
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a browser's keep-alive sockets would hold close() open
      }),
  };
}
