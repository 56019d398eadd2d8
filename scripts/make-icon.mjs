// Draws the extension icon (a padlock on a green square) as a PNG without any image library.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const px = Buffer.alloc(size * size * 4);
const set = (x, y, [r, g, b, a]) => { const i = (y * size + x) * 4; px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a; };
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
  const corner = Math.min(x, size - 1 - x) < 16 && Math.min(y, size - 1 - y) < 16 &&
    Math.hypot(16 - Math.min(x, size - 1 - x), 16 - Math.min(y, size - 1 - y)) > 16;
  set(x, y, corner ? [0, 0, 0, 0] : [0, 150, 57, 255]);
  const body = x >= 36 && x < 92 && y >= 60 && y < 104;
  const d = Math.hypot(x - 64, y - 60);
  const shackle = y < 62 && d >= 16 && d <= 25;
  const keyhole = Math.hypot(x - 64, y - 78) < 6 || (x >= 61 && x < 67 && y >= 78 && y < 94);
  if ((body && !keyhole) || shackle) set(x, y, [255, 255, 255, 255]);
}
const raw = Buffer.alloc((size * 4 + 1) * size);
for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6;
writeFileSync(process.argv[2] ?? 'icon.png', Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
