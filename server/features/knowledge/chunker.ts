/**
 * Cuts an item's content into retrieval chunks. Chunks never span a heading (each carries the
 * heading path it sits under) and are cut between sentences; only a single sentence longer than
 * the limit is cut between words. Headings are Markdown `#` lines, which the importers produce.
 */
export interface Chunk {
  seq: number;
  /** Heading path inside the item, for example "Parking › Valet"; empty before any heading. */
  heading: string;
  text: string;
}

export interface ChunkOptions {
  /** Longest chunk in characters. */
  maxChars: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { maxChars: 700 };

interface Section {
  path: string[];
  /** Paragraphs; each paragraph is a list of lines. */
  paragraphs: string[][];
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

function sections(content: string): Section[] {
  const out: Section[] = [];
  let path: string[] = [];
  let current: Section = { path: [], paragraphs: [] };
  let para: string[] = [];
  const endParagraph = () => {
    if (para.length) current.paragraphs.push(para);
    para = [];
  };
  for (const raw of content.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    const h = HEADING.exec(line);
    if (h) {
      endParagraph();
      if (current.paragraphs.length) out.push(current);
      const level = h[1]!.length;
      path = [...path.slice(0, level - 1), h[2]!];
      while (path.length < level) path.unshift('');
      current = { path: path.filter(Boolean), paragraphs: [] };
      continue;
    }
    if (!line) endParagraph();
    else para.push(line);
  }
  endParagraph();
  if (current.paragraphs.length) out.push(current);
  return out;
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function sentences(line: string): string[] {
  return [...sentenceSegmenter.segment(line)].map((s) => s.segment.trim()).filter(Boolean);
}

/** Splits an over-long sentence between words (or between characters for unspaced scripts). */
function hardSplit(sentence: string, max: number): string[] {
  const out: string[] = [];
  let rest = sentence;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) out.push(rest);
  return out;
}

export function chunkContent(content: string, opts: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of sections(content)) {
    const heading = section.path.join(' › ');
    let buf = '';
    const flush = () => {
      if (buf.trim()) chunks.push({ seq: chunks.length, heading, text: buf.trim() });
      buf = '';
    };
    section.paragraphs.forEach((para, pi) => {
      para.forEach((line, li) => {
        const units = sentences(line).flatMap((s) => hardSplit(s, opts.maxChars));
        units.forEach((unit, ui) => {
          const sep = !buf ? '' : ui > 0 ? ' ' : li > 0 ? '\n' : pi > 0 ? '\n\n' : ' ';
          if (buf && buf.length + sep.length + unit.length > opts.maxChars) {
            flush();
            buf = unit;
          } else {
            buf += sep + unit;
          }
        });
      });
    });
    flush();
  }
  return chunks;
}
