import { performance } from 'node:perf_hooks';
import { detectLanguage, extractLead } from '../server/features/leads/lead-extraction.js';
import { findEmail } from '../server/shared/guest-text.js';
import { tokenize } from '../server/features/leads/lead-tokens.js';

/**
 * Lead extraction on guest text: latency per message for messages as guests write them, the worst
 * case on 1 MB hostile inputs (bounded to the guest limit before parsing), and the unbounded scans'
 * time at 100 KB and 1 MB, whose ratio stays near 10 when they are linear (the old email pattern: 100).
 */
const TODAY = '2026-11-21';
const MESSAGES = [
  'Hi, do you have a family room from 24 to 27 December for 2 adults and 2 kids? My name is Sarah Tan, +60 12-345 6789',
  'is the pool open at 8pm',
  '你好，我叫陈伟明，想订12月24日到26日的房间，3位大人2个小孩',
  'Nak booking bilik esok 3 malam, 10 orang. Nama saya Encik Ahmad Faizal, 012-345 6789',
  'good evening, me and my wife driving up from Penang tomorrow, got somewhere safe to leave the car overnight? do we pay for it',
  'Conference for 40 staff on 5-6 Jan, need a quote - Wei Ming, weiming@example.com',
  'Book deluxe 24-26 Dec, 2 adults. Please confirm. Sarah Tan 012-345 6789 (or sarah.tan@example.com)',
  '订房，12月24日两晚。联系人：黄志明 012-889 3344',
  'Dear team,\n\nWe would like to reserve two rooms from Dec 20th till Dec 23rd for 4 adults. '.repeat(12) + '\n\nBest regards,\nMs. Grace Ho',
];
const MB = 1_000_000;
const HOSTILE: Record<string, string> = {
  letters: 'Q'.repeat(MB),
  digits: '1'.repeat(MB),
  spacedDigits: '1 '.repeat(MB / 2),
  atSigns: '@'.repeat(MB),
  dots: '.'.repeat(MB),
  mixed: 'a@b.'.repeat(MB / 4),
  han: '我叫'.repeat(MB / 2),
  namesBesidePhones: 'Sarah Tan 012-345 6789 '.repeat(MB / 23),
  capitalisedWords: 'Ab Cd Ef. '.repeat(MB / 10),
};

const round = (n: number) => Math.round(n * 1000) / 1000;
const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function run() {
  const runs = Number(process.env.BENCH_RUNS ?? 300);
  for (let r = 0; r < 50; r++) for (const m of MESSAGES) extractLead(m, { today: TODAY });
  const times: number[] = [];
  for (let r = 0; r < runs; r++) for (const m of MESSAGES) times.push(time(() => (extractLead(m, { today: TODAY }), detectLanguage(m))));
  times.sort((a, b) => a - b);
  const hostile: Record<string, { extractMs: number; scan100kMs: number; scan1MbMs: number }> = {}; // extract: median of 5
  for (const [kind, text] of Object.entries(HOSTILE)) {
    hostile[kind] = {
      extractMs: round(median(Array.from({ length: 5 }, () => time(() => (extractLead(text, { today: TODAY }), detectLanguage(text)))))),
      scan100kMs: round(time(() => (findEmail(text.slice(0, MB / 10)), tokenize(text.slice(0, MB / 10))))),
      scan1MbMs: round(time(() => (findEmail(text), tokenize(text)))),
    };
  }
  return {
    messages: { count: times.length, p50Ms: round(at(times, 0.5)), p95Ms: round(at(times, 0.95)), maxMs: round(times.at(-1)!) },
    hostile1Mb: hostile,
  };
}
