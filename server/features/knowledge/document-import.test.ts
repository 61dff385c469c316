import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeZip } from '../../../test/fixtures/knowledge/documents.js';
import { ValidationError } from '../../shared/errors.js';
import { readDocument, type ImportFormat } from './document-import.js';
import { readDocumentOffThread } from './document-import.thread.js';

/**
 * The document reader itself, in this thread (the service runs it in a worker thread, where
 * coverage is not measured), and the worker wrapper: answers, typed errors and the time limit.
 */
describe('readDocument', () => {
  it.each<[ImportFormat, Buffer | string, string[]]>([
    ['markdown', '# Parking\nRM 20 a night.\n\n# Breakfast\n6:30 to 10:30.', ['Parking', 'Breakfast']],
    ['text', 'PARKING\nRM 20 a night.\n\nBREAKFAST\n6:30 to 10:30.', ['PARKING', 'BREAKFAST']],
    ['html', '<h2>Parking</h2><p>RM 20 a night.</p><h2>Breakfast</h2><p>6:30 to 10:30.</p>', ['Parking', 'Breakfast']],
    ['pdf', makePdf([[{ text: 'Spa', size: 14 }, { text: 'Massage costs RM 150.' }, { text: 'Pool', size: 14 }, { text: 'Open 7 am to 10 pm.' }]]), ['Spa', 'Pool']],
    ['docx', makeDocx([{ text: 'Rooftop Bar', style: 'Heading1' }, { text: 'Open from 5 pm.' }, { text: 'Room service', style: 'Heading1' }, { text: '24 hours.' }]), ['Rooftop Bar', 'Room service']],
    ['csv', 'Question,Answer\n"Do you have a crib?","Yes, free."\n', ['Do you have a crib?']],
    ['json', JSON.stringify([{ question: 'Can I pay with DuitNow?', answer: 'Yes.' }]), ['Can I pay with DuitNow?']],
  ])('reads %s into one item per section or question', async (format, bytes, titles) => {
    const doc = await readDocument(Buffer.from(bytes), format, `guide.${format}`);
    expect(doc.items.map((i) => i.title)).toEqual(titles);
  });

  it.each<[ImportFormat, Buffer | string, RegExp]>([
    ['pdf', makePdf([[{ text: 'Spa', size: 14 }]]).subarray(0, 100), /could not be read as a PDF/],
    ['docx', makeZip([{ name: 'hello.txt', data: 'not a docx' }]), /could not be read as a Word document/],
    ['csv', 'title;body\nx;y\n', /needs a header row/],
    ['json', '[{"question": "Spa?"}]', /Entry 1 has no answer/],
    ['markdown', '', /empty/],
  ])('refuses a %s it cannot read with a clear reason', async (format, bytes, reason) => {
    await expect(readDocument(Buffer.from(bytes), format, undefined)).rejects.toThrow(reason);
  });
});

describe('readDocumentOffThread', () => {
  it('reads in a worker thread and passes its typed refusals back', async () => {
    const doc = await readDocumentOffThread(Buffer.from('# Parking\nRM 20 a night.'), 'markdown', 'guide.md');
    expect(doc.items).toEqual([{ title: 'Parking', content: 'RM 20 a night.' }]);
    const refused = readDocumentOffThread(Buffer.from('[{"question": "Spa?"}]'), 'json', 'faq.json');
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toThrow(/Entry 1 has no answer/);
  }, 30_000);

  it('stops a read that takes longer than its time limit', async () => {
    const big = Buffer.from(Array.from({ length: 2_000 }, (_, i) => `# Section ${i}\n${'Words '.repeat(200)}`).join('\n\n'));
    await expect(readDocumentOffThread(big, 'markdown', 'big.md', 1)).rejects.toThrow(/took longer than/);
  }, 30_000);
});
