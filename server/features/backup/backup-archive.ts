import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fstatSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * The backup archive: `NOCTBK01` + 12-byte IV + the passphrase salt (1-byte length, then the salt;
 * not secret, so a passphrase can derive the key), then AES-256-GCM over a stream of entries
 * ([u32 name length][name][u64 size][bytes] ..., ended by a zero length), then the 16-byte tag.
 * The key is derived from the master key, which is never inside the archive.
 */
const MAGIC = Buffer.from('NOCTBK01');
const TAG_BYTES = 16;

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export function archiveKey(kek: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'nocturn backup archive v1', 32));
}

export interface ArchiveFile {
  /** Relative path inside the data directory, e.g. `properties/prop_x.db`. */
  name: string;
  source: string;
}

/** Writes the files into one encrypted archive; returns the sha256 of each file's bytes. */
export async function writeArchive(target: string, key: Buffer, files: ArchiveFile[], manifest: Record<string, unknown>, kdfSalt: Buffer | null = null): Promise<Record<string, string>> {
  const iv = randomBytes(12);
  const salt = kdfSalt ?? Buffer.alloc(0);
  const prefix = Buffer.concat([MAGIC, iv, Buffer.from([salt.length]), salt]);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(prefix);
  const out = createWriteStream(target, { mode: 0o600 });
  out.write(prefix);
  const write = (b: Buffer) => {
    const enc = cipher.update(b);
    return out.write(enc) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  };
  const header = (name: string, size: number) => {
    const n = Buffer.from(name, 'utf8');
    const h = Buffer.alloc(4 + n.length + 8);
    h.writeUInt32BE(n.length, 0);
    n.copy(h, 4);
    h.writeBigUInt64BE(BigInt(size), 4 + n.length);
    return h;
  };
  const hashes: Record<string, string> = {};
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  await write(header('manifest.json', manifestBytes.length));
  await write(manifestBytes);
  for (const f of files) {
    const fd = openSync(f.source, 'r');
    const size = fstatSync(fd).size;
    closeSync(fd);
    await write(header(f.name, size));
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(f.source)) {
      hash.update(chunk as Buffer);
      await write(chunk as Buffer);
    }
    hashes[f.name] = hash.digest('hex');
  }
  await write(Buffer.alloc(4));
  out.write(cipher.final());
  out.end(cipher.getAuthTag());
  await finished(out);
  return hashes;
}

function safeName(name: string): string {
  const normal = path.normalize(name);
  if (path.isAbsolute(normal) || normal.startsWith('..') || !/^[A-Za-z0-9_./-]+$/.test(normal)) throw new ArchiveError(`unsafe file name in archive: ${name}`);
  return normal;
}

/**
 * Decrypts an archive into `targetDir`. The tag is checked at the end: a tampered or foreign
 * archive throws and everything written is removed.
 */
/** The passphrase salt stored in an archive's header (null when the key was not a passphrase). */
export function archiveSalt(archive: string): Buffer | null {
  const fd = openSync(archive, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length + 12 + 1 + 255);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n < MAGIC.length + 13 || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveError('not a Nocturn backup');
    const len = head[MAGIC.length + 12]!;
    return len ? Buffer.from(head.subarray(MAGIC.length + 13, MAGIC.length + 13 + len)) : null;
  } finally {
    closeSync(fd);
  }
}

export function readArchive(archive: string, key: Buffer, targetDir: string): { manifest: Record<string, unknown>; files: { name: string; sha256: string; bytes: number }[] } {
  const fd = openSync(archive, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < MAGIC.length + 12 + TAG_BYTES + 4) throw new ArchiveError('not a Nocturn backup (too short)');
    const fixed = Buffer.alloc(MAGIC.length + 13);
    readSync(fd, fixed, 0, fixed.length, 0);
    if (!fixed.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveError('not a Nocturn backup');
    const head = Buffer.alloc(fixed.length + fixed[MAGIC.length + 12]!);
    readSync(fd, head, 0, head.length, 0);
    const tag = Buffer.alloc(TAG_BYTES);
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(MAGIC.length, MAGIC.length + 12));
    decipher.setAAD(head);
    decipher.setAuthTag(tag);

    mkdirSync(targetDir, { recursive: true, mode: 0o700 });
    let pending: Buffer = Buffer.alloc(0);
    type Entry = { name: string; remaining: bigint; fd: number | null; hash: ReturnType<typeof createHash>; bytes: number };
    let current = null as Entry | null;
    let manifestChunks: Buffer[] = [];
    let manifest: Record<string, unknown> = {};
    const files: { name: string; sha256: string; bytes: number }[] = [];
    let ended = false;
    const consume = (plain: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, plain]) : plain;
      for (;;) {
        if (ended) return;
        if (!current) {
          if (pending.length < 4) return;
          const len = pending.readUInt32BE(0);
          if (len === 0) {
            ended = true;
            return;
          }
          if (pending.length < 4 + len + 8) return;
          const name = pending.subarray(4, 4 + len).toString('utf8');
          const remaining = pending.readBigUInt64BE(4 + len);
          pending = pending.subarray(4 + len + 8);
          if (name === 'manifest.json') {
            manifestChunks = [];
            current = { name, remaining, fd: null, hash: createHash('sha256'), bytes: 0 };
          } else {
            const rel = safeName(name);
            mkdirSync(path.dirname(path.join(targetDir, rel)), { recursive: true, mode: 0o700 });
            current = { name: rel, remaining, fd: openSync(path.join(targetDir, rel), 'w', 0o600), hash: createHash('sha256'), bytes: 0 };
          }
        }
        const take = Number(current.remaining < BigInt(pending.length) ? current.remaining : BigInt(pending.length));
        const part = pending.subarray(0, take);
        pending = pending.subarray(take);
        current.remaining -= BigInt(take);
        current.bytes += take;
        if (current.fd === null) manifestChunks.push(Buffer.from(part));
        else {
          current.hash.update(part);
          let off = 0;
          while (off < part.length) off += writeSync(current.fd, part.subarray(off));
        }
        if (current.remaining === 0n) {
          if (current.fd === null) manifest = JSON.parse(Buffer.concat(manifestChunks).toString('utf8')) as Record<string, unknown>;
          else {
            closeSync(current.fd);
            files.push({ name: current.name, sha256: current.hash.digest('hex'), bytes: current.bytes });
          }
          current = null;
        } else return;
      }
    };
    const chunk = Buffer.alloc(1 << 20);
    let pos = head.length;
    const end = size - TAG_BYTES;
    try {
      while (pos < end) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
        pos += n;
        consume(decipher.update(chunk.subarray(0, n)));
      }
      consume(decipher.final());
      if (!ended) throw new ArchiveError('the backup is truncated');
    } catch (err) {
      const open = current as Entry | null;
      if (open?.fd) closeSync(open.fd);
      rmSync(targetDir, { recursive: true, force: true });
      if (err instanceof ArchiveError) throw err;
      throw new ArchiveError('the backup failed verification: it was changed, is damaged, or was made with another master key');
    }
    return { manifest, files };
  } finally {
    closeSync(fd);
  }
}
