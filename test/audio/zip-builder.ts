// Writes zip archives byte by byte (local headers, data, central directory, end record), independently of the
// reader under test and of fflate's zipSync, which keeps members in a plain object and so fails on a member
// named "__proto__". Names are stored as UTF-8 with the language-encoding flag set.
import { deflateSync } from 'fflate';
import { crc32 } from '../../src/audio/crc32.js';

export function zipOf(members: readonly (readonly [string, Uint8Array])[], method: 0 | 8 = 8): Uint8Array {
  const locals: Uint8Array[] = [];
  const entries: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of members) {
    const nameBytes = new TextEncoder().encode(name);
    const data = method === 8 ? deflateSync(content) : content;
    const fields = { crc: crc32(content), compressed: data.length, size: content.length };
    const local = new Uint8Array(30 + nameBytes.length + data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, method, true);
    lv.setUint32(14, fields.crc, true);
    lv.setUint32(18, fields.compressed, true);
    lv.setUint32(22, fields.size, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    local.set(data, 30 + nameBytes.length);
    const entry = new Uint8Array(46 + nameBytes.length);
    const ev = new DataView(entry.buffer);
    ev.setUint32(0, 0x02014b50, true);
    ev.setUint16(4, 20, true); // version made by
    ev.setUint16(6, 20, true);
    ev.setUint16(8, 0x0800, true);
    ev.setUint16(10, method, true);
    ev.setUint32(16, fields.crc, true);
    ev.setUint32(20, fields.compressed, true);
    ev.setUint32(24, fields.size, true);
    ev.setUint16(28, nameBytes.length, true);
    ev.setUint32(42, offset, true);
    entry.set(nameBytes, 46);
    locals.push(local);
    entries.push(entry);
    offset += local.length;
  }
  const directorySize = entries.reduce((n, e) => n + e.length, 0);
  const end = new Uint8Array(22);
  const endView = new DataView(end.buffer);
  endView.setUint32(0, 0x06054b50, true);
  endView.setUint16(8, members.length, true);
  endView.setUint16(10, members.length, true);
  endView.setUint32(12, directorySize, true);
  endView.setUint32(16, offset, true);
  const out = new Uint8Array(offset + directorySize + 22);
  let at = 0;
  for (const part of [...locals, ...entries, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
