// The static server of `ser-gpu serve` and the browser tests: files from their mount, content types, and
// nothing from outside a mount, however the path is spelled.
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../src/web/static-server.js';
import { scratchFolder } from '../audio/fixtures.js';

/** A raw GET, the path sent as written (fetch() would resolve dot segments first). */
function get(server: StaticServer, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  const folder = scratchFolder();
  let server: StaticServer;
  beforeAll(async () => {
    mkdirSync(join(folder, 'site'));
    mkdirSync(join(folder, 'model'));
    writeFileSync(join(folder, 'site', 'index.html'), '<p>app</p>');
    writeFileSync(join(folder, 'site', 'app.js'), 'export {};');
    writeFileSync(join(folder, 'model', 'model.json'), '{}');
    writeFileSync(join(folder, 'secret.txt'), 'secret');
    server = await startStaticServer({
      mounts: { '/': join(folder, 'site'), '/model/': join(folder, 'model') },
      files: { '/one/file.json': join(folder, 'model', 'model.json') },
    });
  });
  afterAll(async () => server?.close());

  it('listens on 127.0.0.1 on an ephemeral port by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves index.html for a folder, and files of the longest matching mount with their types', async () => {
    expect(await get(server, '/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<p>app</p>' });
    expect(await get(server, '/app.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(await get(server, '/model/model.json')).toEqual({ status: 200, type: 'application/json', body: '{}' });
    expect(await get(server, '/model/model.json', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get(server, '/one/file.json')).toEqual({ status: 200, type: 'application/json', body: '{}' });
    expect((await get(server, '/one/')).status).toBe(404);
  });

  it('refuses paths outside their mount, other methods and missing files', async () => {
    for (const path of ['/../secret.txt', '/model/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/model/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const response = await get(server, path);
      expect(response.body, path).not.toBe('secret');
      expect([403, 404], path).toContain(response.status);
    }
    expect((await get(server, '/app.js', 'POST')).status).toBe(405);
    expect((await get(server, '/nothing.js')).status).toBe(404);
    expect((await get(server, '/%zz')).status).toBe(400);
  });
});
