import { parse as parseCsv } from 'csv-parse/sync';
import { convert as htmlToText, type FormatCallback } from 'html-to-text';
import mammoth from 'mammoth';
import { marked, type Token, type Tokens } from 'marked';
import { extractTextItems, getDocumentProxy } from 'unpdf';
import { z } from 'zod';
import { ValidationError, UnsupportedMediaError } from '../../shared/errors.js';
import { KnowledgeCategory, MAX_CONTENT_CHARS, MAX_TITLE_CHARS } from './knowledge.schemas.js';

/**
 * Reads an uploaded file into knowledge items. Documents (Markdown, text, HTML, PDF, DOCX) are
 * split at their headings: the most frequent top heading level becomes one item per section,
 * deeper headings stay inside the item as `#` lines for the chunker. Q&A files (CSV, JSON)
 * give one item per question. Nothing here writes: a file that cannot be read throws a
 * ValidationError before the service touches the database.
 */
export type ImportFormat = 'markdown' | 'text' | 'html' | 'pdf' | 'docx' | 'csv' | 'json';

export interface ImportedItem {
  title: string;
  content: string;
  /** Set when the file named it (Q&A files); otherwise the service guesses or uses the caller's. */
  category?: KnowledgeCategory;
}

export interface ImportedDocument {
  format: ImportFormat;
  items: ImportedItem[];
}

const MAX_ITEMS = 2_000;

const BY_TYPE: Record<string, ImportFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/json': 'json',
};
const BY_EXTENSION: Record<string, ImportFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  txt: 'text',
  text: 'text',
  html: 'html',
  htm: 'html',
  pdf: 'pdf',
  docx: 'docx',
  csv: 'csv',
  json: 'json',
};

/** The format from the content type, else the file name's extension, else the first bytes. */
export function detectFormat(contentType: string | undefined, filename: string | undefined, bytes: Buffer): ImportFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (BY_TYPE[type]) return BY_TYPE[type];
  const ext = /\.([a-z0-9]+)$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  if (ext && BY_EXTENSION[ext]) return BY_EXTENSION[ext];
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (ext === 'doc') throw new UnsupportedMediaError('Old Word .doc files are not supported; save the document as .docx and import that');
  throw new UnsupportedMediaError(
    `Cannot tell what kind of file this is (content type "${type || 'none'}"${filename ? `, name "${filename}"` : ''}). ` +
      'Send Markdown, plain text, HTML, PDF, DOCX, or a CSV/JSON of questions and answers, with its content type or a file name with its extension.',
  );
}

// --- blocks: the common shape every document format is read into ---------------------------------

type Block = { kind: 'heading'; level: number; text: string } | { kind: 'text'; text: string };

function utf8(bytes: Buffer, what: string): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.includes('\u0000')) throw new Error('binary');
    return text.replace(/^\uFEFF/, '');
  } catch {
    throw new ValidationError(`The file is not UTF-8 text, so it cannot be read as ${what}. Is it the right file?`);
  }
}

function inlineText(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens
    .map((t) => {
      if (t.type === 'br') return '\n';
      if ('tokens' in t && Array.isArray(t.tokens) && t.tokens.length) return inlineText(t.tokens as Token[], '');
      return 'text' in t && typeof t.text === 'string' ? t.text : '';
    })
    .join('');
}

function markdownBlocks(src: string): Block[] {
  const blocks: Block[] = [];
  const visit = (tokens: Token[]) => {
    for (const t of tokens) {
      switch (t.type) {
        case 'heading': {
          const h = t as Tokens.Heading;
          blocks.push({ kind: 'heading', level: h.depth, text: inlineText(h.tokens, h.text).trim() });
          break;
        }
        case 'paragraph':
        case 'text': {
          const p = t as Tokens.Paragraph;
          blocks.push({ kind: 'text', text: inlineText(p.tokens, p.text) });
          break;
        }
        case 'list': {
          const l = t as Tokens.List;
          blocks.push({ kind: 'text', text: l.items.map((i) => `- ${inlineText(i.tokens, i.text).replace(/\n+/g, ' ')}`).join('\n') });
          break;
        }
        case 'table': {
          const tb = t as Tokens.Table;
          const header = tb.header.map((c) => inlineText(c.tokens, c.text).trim());
          blocks.push({
            kind: 'text',
            text: tb.rows.map((row) => row.map((c, i) => `${header[i] ? header[i] + ': ' : ''}${inlineText(c.tokens, c.text).trim()}`).join('; ')).join('\n'),
          });
          break;
        }
        case 'blockquote':
          visit((t as Tokens.Blockquote).tokens);
          break;
        case 'code':
          blocks.push({ kind: 'text', text: (t as Tokens.Code).text });
          break;
        case 'html':
          blocks.push(...htmlBlocks((t as Tokens.HTML).text));
          break;
        default:
          break;
      }
    }
  };
  visit(marked.lexer(src));
  return blocks;
}

/** Lines of text with `#` headings (what the HTML converter writes) read back into blocks. */
function markedLinesToBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const end = () => {
    if (para.length) blocks.push({ kind: 'text', text: para.join('\n') });
    para = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const h = /^\uE000(\d)\uE000\s*(.*)$/.exec(line);
    if (h) {
      end();
      if (h[2]!.trim()) blocks.push({ kind: 'heading', level: Number(h[1]), text: h[2]!.trim() });
    } else if (!line) end();
    else para.push(line);
  }
  end();
  return blocks;
}

const headingFormatter: FormatCallback = (elem, walk, builder, options) => {
  const level = Number((options as { level?: number }).level ?? 1);
  builder.openBlock({ leadingLineBreaks: 2 });
  builder.addLiteral(`\uE000${level}\uE000 `);
  walk(elem.children ?? [], builder);
  builder.closeBlock({ trailingLineBreaks: 2 });
};

function htmlBlocks(html: string): Block[] {
  const text = htmlToText(html, {
    wordwrap: false,
    formatters: { nocturnHeading: headingFormatter },
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: 'nocturnHeading', options: { level } as Record<string, unknown> })),
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'noscript', format: 'skip' },
      { selector: 'svg', format: 'skip' },
      { selector: 'table', format: 'dataTable' },
    ],
  });
  return markedLinesToBlocks(text);
}

const SENTENCE_END = /[.!?。！？;,]$/;

/** Plain text: `#` lines, underlined lines, "Heading:" lines, and short unpunctuated lines before body text. */
function textBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim());
  const blocks: Block[] = [];
  let para: string[] = [];
  const end = () => {
    if (para.length) blocks.push({ kind: 'text', text: para.join('\n') });
    para = [];
  };
  const candidate = (l: string | undefined) => !!l && l.length <= 80 && !SENTENCE_END.test(l) && l.split(/\s+/).length <= 10 && !/^[-*•]\s/.test(l) && !/\S:\s*\S/.test(l);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines.slice(i + 1).find((l) => l.length > 0);
    const md = /^(#{1,6})\s+(.+)$/.exec(line);
    if (md) {
      end();
      blocks.push({ kind: 'heading', level: md[1]!.length, text: md[2]!.replace(/\s*#+$/, '') });
    } else if (line && /^(=+|-+)$/.test(lines[i + 1] ?? '') && line.length <= 80) {
      end();
      blocks.push({ kind: 'heading', level: lines[i + 1]!.startsWith('=') ? 1 : 2, text: line });
      i++;
    } else if (line && /^[^:]{2,60}:$/.test(line)) {
      end();
      blocks.push({ kind: 'heading', level: 2, text: line.slice(0, -1).trim() });
    } else if (line && candidate(line) && next !== undefined && !candidate(next) && (i === 0 || !lines[i - 1] || !candidate(lines[i - 1]))) {
      end();
      blocks.push({ kind: 'heading', level: 2, text: line });
    } else if (!line) end();
    else para.push(line);
  }
  end();
  return blocks;
}

async function pdfBlocks(bytes: Buffer): Promise<Block[]> {
  let pages: { str: string; y: number; fontSize: number; hasEOL: boolean }[][];
  try {
    const doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, stopAtErrors: true });
    try {
      pages = (await extractTextItems(doc)).items;
    } finally {
      await doc.destroy();
    }
  } catch (err) {
    throw new ValidationError(`The file could not be read as a PDF (${(err as Error).message}). Is it damaged or password-protected?`);
  }
  // Lines of text with their font size; headings are lines set larger than the body text.
  const lines: { text: string; size: number; y: number }[] = [];
  for (const items of pages) {
    let cur: { text: string; size: number; y: number } | undefined;
    for (const it of items) {
      if (cur && Math.abs(cur.y - it.y) > 2) {
        lines.push(cur);
        cur = undefined;
      }
      if (!cur) cur = { text: '', size: 0, y: it.y };
      cur.text += it.str;
      if (it.str.trim()) cur.size = Math.max(cur.size, Math.round(it.fontSize * 10) / 10);
      if (it.hasEOL) {
        lines.push(cur);
        cur = undefined;
      }
    }
    if (cur) lines.push(cur);
    lines.push({ text: '', size: 0, y: 0 });
  }
  const sizes = new Map<number, number>();
  for (const l of lines) if (l.text.trim()) sizes.set(l.size, (sizes.get(l.size) ?? 0) + l.text.length);
  const body = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const larger = [...sizes.keys()].filter((s) => s > body * 1.1).sort((a, b) => b - a);
  if (larger.length === 0) return textBlocks(lines.map((l) => l.text.trim()).join('\n'));
  const blocks: Block[] = [];
  let para: string[] = [];
  const end = () => {
    if (para.length) blocks.push({ kind: 'text', text: para.join(' ').replace(/\s+/g, ' ') });
    para = [];
  };
  let prev: { y: number; size: number } | undefined;
  for (const l of lines) {
    const text = l.text.trim();
    if (!text) {
      end();
      prev = undefined;
      continue;
    }
    const level = larger.indexOf(l.size) + 1;
    if (level > 0 && text.length <= 120) {
      end();
      blocks.push({ kind: 'heading', level: Math.min(level, 6), text });
    } else {
      // A gap wider than about one and a half lines starts a new paragraph.
      if (prev && prev.y - l.y > Math.max(prev.size, l.size) * 1.9) end();
      para.push(text);
    }
    prev = { y: l.y, size: l.size };
  }
  end();
  return blocks;
}

async function docxBlocks(bytes: Buffer): Promise<Block[]> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  } catch (err) {
    throw new ValidationError(`The file could not be read as a Word document (${(err as Error).message}). Is it damaged, or an old .doc file?`);
  }
  return htmlBlocks(html);
}

// --- blocks -> items --------------------------------------------------------------------------------

function clampTitle(t: string): string {
  const s = t.replace(/\s+/g, ' ').trim();
  return s.length <= MAX_TITLE_CHARS ? s : s.slice(0, MAX_TITLE_CHARS - 1).trimEnd() + '…';
}

/** Splits content longer than an item may hold at paragraph boundaries. */
function splitLong(title: string, content: string): ImportedItem[] {
  if (content.length <= MAX_CONTENT_CHARS) return [{ title, content }];
  const parts: string[] = [];
  let buf = '';
  for (const para of content.split(/\n{2,}/)) {
    if (buf && buf.length + para.length + 2 > MAX_CONTENT_CHARS) {
      parts.push(buf);
      buf = '';
    }
    buf = buf ? `${buf}\n\n${para}` : para.slice(0, MAX_CONTENT_CHARS);
  }
  if (buf) parts.push(buf);
  return parts.map((p, i) => ({ title: i === 0 ? title : clampTitle(`${title} (part ${i + 1})`), content: p }));
}

function blocksToItems(blocks: Block[], fallbackTitle: string): ImportedItem[] {
  const counts = new Map<number, number>();
  for (const b of blocks) if (b.kind === 'heading') counts.set(b.level, (counts.get(b.level) ?? 0) + 1);
  const levels = [...counts.keys()].sort((a, b) => a - b);
  const split = levels.find((l) => counts.get(l)! >= 2) ?? levels[levels.length - 1] ?? 1;

  const items: { title: string; lines: string[] }[] = [];
  let context = fallbackTitle;
  let current: { title: string; lines: string[] } | undefined;
  for (const b of blocks) {
    if (b.kind === 'heading' && b.level < split) {
      context = b.text;
      current = undefined;
    } else if (b.kind === 'heading' && b.level === split) {
      current = { title: b.text, lines: [] };
      items.push(current);
    } else if (b.kind === 'heading') {
      if (!current) items.push((current = { title: context, lines: [] }));
      current.lines.push(`${'#'.repeat(Math.min(6, b.level - split))} ${b.text}`);
    } else if (b.text.trim()) {
      if (!current) items.push((current = { title: context, lines: [] }));
      current.lines.push(b.text.trim());
    }
  }
  const taken = new Map<string, number>();
  const out: ImportedItem[] = [];
  for (const it of items) {
    const content = it.lines.join('\n\n').trim();
    if (!content || !/[\p{L}\p{N}]/u.test(content.replace(/^#+ .*$/gm, ''))) continue;
    let title = clampTitle(it.title || fallbackTitle);
    const n = (taken.get(title.toLowerCase()) ?? 0) + 1;
    taken.set(title.toLowerCase(), n);
    if (n > 1) title = clampTitle(`${title} (${n})`);
    out.push(...splitLong(title, content));
  }
  return out;
}

// --- Q&A files ------------------------------------------------------------------------------------

const QUESTION_KEYS = ['question', 'q', 'title', 'faq', 'pertanyaan', 'soalan', '问题'];
const ANSWER_KEYS = ['answer', 'a', 'content', 'response', 'jawapan', '答案', '回答'];
const CATEGORY_KEYS = ['category', 'kategori', '类别', '分类'];

function pick(row: Record<string, unknown>, keys: string[]): unknown {
  for (const [k, v] of Object.entries(row)) if (keys.includes(k.trim().toLowerCase())) return v;
  return undefined;
}

function qaItem(row: Record<string, unknown>, where: string): ImportedItem {
  const question = pick(row, QUESTION_KEYS);
  const answer = pick(row, ANSWER_KEYS);
  const category = pick(row, CATEGORY_KEYS);
  if (typeof question !== 'string' || !question.trim()) throw new ValidationError(`${where} has no question (expected a "question" field or column)`);
  if (typeof answer !== 'string' || !answer.trim()) throw new ValidationError(`${where} has no answer (expected an "answer" field or column)`);
  const item: ImportedItem = { title: clampTitle(question), content: answer.trim().slice(0, MAX_CONTENT_CHARS) };
  if (typeof category === 'string' && category.trim()) {
    const parsed = KnowledgeCategory.safeParse(category.trim().toLowerCase());
    if (!parsed.success) throw new ValidationError(`${where} has category "${category}"; use one of ${KnowledgeCategory.options.join(', ')}`);
    item.category = parsed.data;
  }
  return item;
}

function csvItems(text: string): ImportedItem[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new ValidationError(`The file could not be read as CSV (${(err as Error).message})`);
  }
  if (rows.length === 0) throw new ValidationError('The CSV file has a header but no rows');
  const header = Object.keys(rows[0]!);
  if (!header.some((h) => QUESTION_KEYS.includes(h)) || !header.some((h) => ANSWER_KEYS.includes(h))) {
    throw new ValidationError(`The CSV file needs a header row with "question" and "answer" columns (and optionally "category"); found: ${header.join(', ')}`);
  }
  return rows.map((r, i) => qaItem(r, `Row ${i + 2}`));
}

const JsonQa = z.union([z.array(z.record(z.string(), z.unknown())), z.object({ items: z.array(z.record(z.string(), z.unknown())) }), z.object({ faqs: z.array(z.record(z.string(), z.unknown())) })]);

function jsonItems(text: string): ImportedItem[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`The file is not valid JSON (${(err as Error).message})`);
  }
  const parsed = JsonQa.safeParse(data);
  if (!parsed.success) throw new ValidationError('The JSON file must be a list of {"question", "answer", "category"?} objects, or {"items": [...]}');
  const rows = Array.isArray(parsed.data) ? parsed.data : 'items' in parsed.data ? parsed.data.items : parsed.data.faqs;
  return rows.map((r, i) => qaItem(r, `Entry ${i + 1}`));
}

// --- entry point ----------------------------------------------------------------------------------

function titleFromFilename(filename: string | undefined): string {
  const base = (filename ?? '').replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').trim();
  return base ? clampTitle(base.charAt(0).toUpperCase() + base.slice(1)) : 'Imported document';
}

export async function readDocument(bytes: Buffer, format: ImportFormat, filename: string | undefined): Promise<ImportedDocument> {
  if (bytes.length === 0) throw new ValidationError('The file is empty');
  const fallback = titleFromFilename(filename);
  let items: ImportedItem[];
  switch (format) {
    case 'markdown':
      items = blocksToItems(markdownBlocks(utf8(bytes, 'Markdown')), fallback);
      break;
    case 'text':
      items = blocksToItems(textBlocks(utf8(bytes, 'text')), fallback);
      break;
    case 'html':
      items = blocksToItems(htmlBlocks(utf8(bytes, 'HTML')), fallback);
      break;
    case 'pdf':
      items = blocksToItems(await pdfBlocks(bytes), fallback);
      if (items.length === 0) throw new ValidationError('The PDF has no text layer (a scanned image?); Nocturn cannot read text from images. Export it with text, or paste the text instead.');
      break;
    case 'docx':
      items = blocksToItems(await docxBlocks(bytes), fallback);
      break;
    case 'csv':
      items = csvItems(utf8(bytes, 'CSV'));
      break;
    case 'json':
      items = jsonItems(utf8(bytes, 'JSON'));
      break;
  }
  if (items.length === 0) throw new ValidationError('The file contains no text to import');
  if (items.length > MAX_ITEMS) throw new ValidationError(`The file holds ${items.length} items; import at most ${MAX_ITEMS} at a time`);
  return { format, items };
}

/** A category from the words of a title (then the content), for imported sections. */
export function guessCategory(title: string, content: string): KnowledgeCategory {
  const rules: [KnowledgeCategory, RegExp][] = [
    ['rates', /\b(rates?|prices?|pricing|tariffs?|costs?|fees?|charges?|packages?|offers?|deposit|tax)\b|harga|kadar|价格|房价|费用/i],
    ['dining', /\b(breakfast|restaurants?|dining|bar|menu|food|lunch|dinner|caf[eé]|room service)\b|sarapan|restoran|早餐|餐厅/i],
    ['directions', /\b(directions?|getting here|how to (get|find)|location|address|airport|transport|transfers?|map|trains?|taxi)\b|alamat|arah|地址|机场|交通/i],
    ['policies', /\b(polic(y|ies)|check[- ]?in|check[- ]?out|cancell?ations?|smoking|pets?|children|rules|terms|conditions|passports?|identification)\b|polisi|peraturan|政策|规定/i],
    ['facilities', /\b(pool|gym|fitness|spa|parking|car park|wi-?fi|internet|laundry|business cent(re|er)|facilit(y|ies)|lifts?|meeting)\b|kemudahan|设施/i],
    ['rooms', /\b(rooms?|suites?|beds?|bedding|amenities|in-room|minibar|accommodation)\b|bilik|房间|客房/i],
  ];
  for (const text of [title, content.slice(0, 300)]) for (const [category, re] of rules) if (re.test(text)) return category;
  return 'faqs';
}
