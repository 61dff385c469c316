import { crc32, deflateSync } from 'node:zlib';

/**
 * Nocturn's icon, drawn in code: a crescent moon, with a coloured status dot for the tray. The
 * packaging icons in build/ are rendered from the same function (build/generate-icons.mjs), so no
 * binary asset has to be edited by hand.
 */

export type Rgb = readonly [number, number, number];

export const COLOURS = {
  night: [0x1f, 0x2a, 0x44] as Rgb,
  moon: [0xf4, 0xc9, 0x5d] as Rgb,
  ok: [0x2e, 0xa0, 0x43] as Rgb,
  warning: [0xe8, 0x9b, 0x17] as Rgb,
  error: [0xd0, 0x3b, 0x30] as Rgb,
};

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** Encodes 8-bit RGBA pixels (row-major) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new Error('pixel buffer size does not match the dimensions');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage of a pixel by a disc, anti-aliased over a one-pixel edge. */
function disc(x: number, y: number, cx: number, cy: number, r: number): number {
  const d = Math.hypot(x - cx, y - cy);
  return Math.max(0, Math.min(1, r - d + 0.5));
}

export interface IconOptions {
  size: number;
  /** A round dark background (application icon) or transparent (tray). */
  background: boolean;
  /** Tray: a status dot in the lower right corner. */
  badge?: Rgb;
}

/** RGBA pixels of the crescent icon. */
export function renderIcon(opts: IconOptions): Uint8Array {
  const { size } = opts;
  const px = new Uint8Array(size * size * 4);
  const c = size / 2;
  const moonR = size * (opts.background ? 0.3 : 0.42);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const fx = x + 0.5;
      const fy = y + 0.5;
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      const paint = (colour: Rgb, alpha: number) => {
        if (alpha <= 0) return;
        const out = alpha + a * (1 - alpha);
        r = (colour[0] * alpha + r * a * (1 - alpha)) / out;
        g = (colour[1] * alpha + g * a * (1 - alpha)) / out;
        b = (colour[2] * alpha + b * a * (1 - alpha)) / out;
        a = out;
      };
      if (opts.background) paint(COLOURS.night, disc(fx, fy, c, c, size * 0.47));
      const moon = disc(fx, fy, c, c, moonR) * (1 - disc(fx, fy, c + moonR * 0.45, c - moonR * 0.35, moonR * 0.85));
      paint(COLOURS.moon, moon);
      if (opts.badge) {
        const br = size * 0.2;
        paint([255, 255, 255], disc(fx, fy, size - br - 0.5, size - br - 0.5, br + Math.max(1, size * 0.04)));
        paint(opts.badge, disc(fx, fy, size - br - 0.5, size - br - 0.5, br));
      }
      const i = (y * size + x) * 4;
      px[i] = Math.round(r);
      px[i + 1] = Math.round(g);
      px[i + 2] = Math.round(b);
      px[i + 3] = Math.round(a * 255);
    }
  }
  return px;
}

export function iconPng(opts: IconOptions): Buffer {
  return encodePng(opts.size, opts.size, renderIcon(opts));
}
