import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Downloads a file a guest sent on WhatsApp (REFERENCE.md §1, media download): GET the media id
 * for a short-lived URL, then GET that URL, both with the hotel's access token. The size is checked
 * before and while reading, and the content against Meta's SHA-256.
 */

const MediaInfo = z.looseObject({
  url: z.string(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).optional(),
});

interface MediaFile {
  mimeType: string;
  bytes: Buffer;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

export class MediaDownloadError extends Error {}

interface MediaDownloadOptions {
  apiBase: string;
  token: string;
  maxBytes: number;
  timeoutMs: number;
}

export async function downloadMedia(mediaId: string, fallbackMime: string | null, o: MediaDownloadOptions): Promise<MediaFile> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  const headers = { authorization: `Bearer ${o.token}` };
  const infoRes = await fetch(`${o.apiBase}/${encodeURIComponent(mediaId)}`, { headers, signal });
  if (!infoRes.ok) throw new MediaDownloadError(`media lookup answered ${infoRes.status}`);
  const info = MediaInfo.safeParse(await infoRes.json());
  if (!info.success) throw new MediaDownloadError('media lookup answered without a URL');
  const declared = Number(info.data.file_size ?? NaN);
  if (Number.isFinite(declared) && declared > o.maxBytes) throw new MediaDownloadError(`file of ${declared} bytes is over the ${o.maxBytes}-byte limit`);
  const url = new URL(info.data.url);
  // The token goes only to Meta's https file host (or, in tests, the API's own origin).
  if (url.protocol !== 'https:' && url.origin !== new URL(o.apiBase).origin) throw new MediaDownloadError('media URL is not https');
  const fileRes = await fetch(url, { headers, signal });
  if (!fileRes.ok || !fileRes.body) throw new MediaDownloadError(`media file answered ${fileRes.status}`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of fileRes.body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > o.maxBytes) throw new MediaDownloadError(`file is over the ${o.maxBytes}-byte limit`);
    parts.push(Buffer.from(chunk));
  }
  const bytes = Buffer.concat(parts);
  const digest = createHash('sha256').update(bytes).digest();
  const expected = info.data.sha256?.trim();
  if (expected && !matchesDigest(expected, digest)) throw new MediaDownloadError('file does not match its SHA-256');
  const mimeType = (info.data.mime_type ?? fallbackMime ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase() || 'application/octet-stream';
  return { mimeType, bytes, sha256: digest.toString('hex') };
}

/** Meta's hash as hex or base64; an unrecognised form is not held against the file. */
function matchesDigest(expected: string, digest: Buffer): boolean {
  if (/^[0-9a-f]{64}$/i.test(expected)) return expected.toLowerCase() === digest.toString('hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(expected)) return expected.replace(/=$/, '').replace(/-/g, '+').replace(/_/g, '/') === digest.toString('base64').replace(/=$/, '');
  return true;
}
