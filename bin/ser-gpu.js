#!/usr/bin/env node
// The ser-gpu command. The TypeScript sources are compiled to dist/ by `npm ci` / `npm run build`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('ser-gpu: dist/ is missing; run `npm run build` (npm ci does it) first\n');
  process.exit(1);
}
await import(main.href);
