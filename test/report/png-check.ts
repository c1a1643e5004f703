// Decodes a PNG far enough to prove it is whole: signature, IHDR, every chunk's CRC, and IDAT inflating to
// exactly height scanlines of 1 + width * channels bytes.
import { unzlibSync } from 'fflate';
import { crc32 } from '../../src/audio/crc32.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(png: Uint8Array): { width: number; height: number } {
  if (!SIGNATURE.every((byte, i) => png[i] === byte)) throw new Error('no PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  let at = 8;
  let type = '';
  while (type !== 'IEND') {
    const length = view.getUint32(at);
    type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (data[8] !== 8) throw new Error(`bit depth ${data[8]}`);
      channels = CHANNELS[data[9]] ?? 0;
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const compressed = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let offset = 0;
  for (const d of idat) {
    compressed.set(d, offset);
    offset += d.length;
  }
  const raw = unzlibSync(compressed);
  if (raw.length !== height * (1 + width * channels)) throw new Error(`IDAT holds ${raw.length} bytes, not ${height} rows of ${width} x ${channels}`);
  return { width, height };
}
