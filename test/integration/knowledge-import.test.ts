import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeZip } from '../fixtures/knowledge/documents.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
const base = '/api/v1/properties/harbour/knowledge-base';

beforeAll(async () => {
  s = await startTestServer({ env: { NOCTURN_EMBEDDER: 'none' } });
  s.core.properties.create({ name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur' });
});
afterAll(async () => {
  await s.stop();
});

async function upload(bytes: Buffer | string, contentType: string, query = '') {
  const res = await s.admin.fetch(`${base}/import${query}`, { method: 'POST', body: bytes, headers: { 'content-type': contentType } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: { title: string; category: string; change: string }[] } };
}

async function items(): Promise<{ title: string; category: string; content: string; source: string | null; metadata: Record<string, unknown> }[]> {
  const res = await s.admin.get(`${base}/items?active=all`);
  return ((await res.json()) as { items: never[] }).items;
}

async function search(query: string) {
  const res = await s.admin.post(`${base}/search`, { query, k: 3 });
  return (await res.json()) as { results: { title: string }[] };
}

describe('knowledge import (F3)', () => {
  it('splits a Markdown guide into one item per section, keeping sub-headings inside the item', async () => {
    const md = [
      '# Harbour View guest guide',
      '',
      '## Parking',
      'Guests park **free** in the covered car park on B1.',
      '',
      '### Valet',
      'Valet parking costs RM 20 per day.',
      '',
      '## Breakfast',
      '- Served 6:30 to 10:30',
      '- Straits Cafe, level 1',
      '',
      '## Room rates',
      '| Room | Rate |',
      '|---|---|',
      '| Deluxe King | RM 320 |',
      '| Harbour Suite | RM 680 |',
    ].join('\n');
    const r = await upload(md, 'text/markdown', '?filename=guest-guide.md');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ format: 'markdown', source: 'guest-guide.md', created: 3, updated: 0 });
    expect(r.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Parking', 'facilities'],
      ['Breakfast', 'dining'],
      ['Room rates', 'rates'],
    ]);
    const all = await items();
    const parking = all.find((i) => i.title === 'Parking')!;
    expect(parking.content).toBe('Guests park free in the covered car park on B1.\n\n# Valet\n\nValet parking costs RM 20 per day.');
    expect(parking.source).toBe('guest-guide.md');
    expect(parking.metadata).toEqual({ importedFrom: 'guest-guide.md', format: 'markdown' });
    expect(all.find((i) => i.title === 'Room rates')!.content).toBe('Room: Deluxe King; Rate: RM 320\nRoom: Harbour Suite; Rate: RM 680');
    expect((await search('how much is valet')).results[0]?.title).toBe('Parking');

    // Importing the same file again changes nothing; an edited file updates the items in place.
    expect((await upload(md, 'text/markdown', '?filename=guest-guide.md')).body).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect((await upload(md.replace('RM 20', 'RM 25'), 'text/markdown', '?filename=guest-guide.md')).body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
  });

  it('reads plain text with heading lines, and HTML with its h2 sections', async () => {
    const text = 'Pool\nThe rooftop pool is open from 7 am to 9 pm.\n\nGym\nThe gym on level 3 is open 24 hours.\n';
    const t = await upload(text, 'text/plain; charset=utf-8', '?filename=facilities.txt&category=facilities');
    expect(t.status).toBe(201);
    expect(t.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Pool', 'facilities'],
      ['Gym', 'facilities'],
    ]);

    const html = `<!doctype html><html><head><title>x</title><style>p{}</style><script>alert(1)</script></head><body>
      <h1>Policies</h1><h2>Pets</h2><p>Pets are not allowed. Guide dogs are welcome.</p>
      <h2>Smoking</h2><p>All rooms are <b>non-smoking</b>.</p><ul><li>Terrace: smoking area</li></ul></body></html>`;
    const h = await upload(html, 'text/html', '?filename=policies.html');
    expect(h.status).toBe(201);
    expect(h.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Pets', 'policies'],
      ['Smoking', 'policies'],
    ]);
    const smoking = (await items()).find((i) => i.title === 'Smoking')!;
    expect(smoking.content).toContain('All rooms are non-smoking.');
    expect(smoking.content).toContain('Terrace: smoking area');
    expect(smoking.content).not.toMatch(/alert|p\{\}/);
  });

  it('reads a PDF, using larger type as headings', async () => {
    const pdf = makePdf([
      [
        { text: 'Harbour View Directions', size: 20 },
        { text: 'Airport transfer', size: 14 },
        { text: 'Penang airport is 25 km away.' },
        { text: 'Our car costs RM 95 one way.' },
        { text: 'By ferry', size: 14 },
        { text: 'Take the ferry from Butterworth to George Town.' },
      ],
      [{ text: 'Nearby', size: 14 }, { text: 'Armenian Street is a 10 minute walk.' }],
    ]);
    const r = await upload(pdf, 'application/pdf', '?filename=directions.pdf');
    expect(r.status).toBe(201);
    expect(r.body.format).toBe('pdf');
    expect(r.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Airport transfer', 'directions'],
      ['By ferry', 'faqs'],
      ['Nearby', 'faqs'],
    ]);
    expect((await items()).find((i) => i.title === 'Airport transfer')!.content).toBe('Penang airport is 25 km away. Our car costs RM 95 one way.');
  });

  it('reads a Word document with heading styles', async () => {
    const docx = makeDocx([
      { text: 'Dining', style: 'Heading1' },
      { text: 'Rooftop Bar', style: 'Heading2' },
      { text: 'Open from 5 pm to midnight, happy hour 5 to 7 pm.' },
      { text: 'Room service', style: 'Heading2' },
      { text: 'Available 24 hours from the in-room tablet.' },
    ]);
    const r = await upload(docx, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', '?filename=dining.docx');
    expect(r.status).toBe(201);
    expect(r.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Rooftop Bar', 'dining'],
      ['Room service', 'dining'],
    ]);
    expect((await search('is the bar open at midnight')).results[0]?.title).toBe('Rooftop Bar');
  });

  it('reads questions and answers from CSV and JSON, with their categories', async () => {
    const csv = 'Question,Answer,Category\n"Do you have a crib?","Baby cots are free, on request.",rooms\n"Is there a lift?","Yes, to every floor.",\n';
    const c = await upload(csv, 'text/csv', '?filename=faq.csv');
    expect(c.status).toBe(201);
    expect(c.body.items!.map((i) => [i.title, i.category])).toEqual([
      ['Do you have a crib?', 'rooms'],
      ['Is there a lift?', 'facilities'],
    ]);
    const json = JSON.stringify([{ question: 'Can I pay with DuitNow?', answer: 'Yes, DuitNow QR at the front desk.', category: 'policies' }]);
    const j = await upload(json, 'application/json', '?filename=faq.json');
    expect(j.status).toBe(201);
    expect(j.body.items!.map((i) => [i.title, i.category])).toEqual([['Can I pay with DuitNow?', 'policies']]);
    expect((await items()).find((i) => i.title === 'Can I pay with DuitNow?')!.content).toBe('Yes, DuitNow QR at the front desk.');
  });

  it('answers a damaged or unreadable file with a clear 400 and changes nothing', async () => {
    const before = await items();
    const goodPdf = makePdf([[{ text: 'Spa', size: 14 }, { text: 'Massage costs RM 150.' }]]);
    const cases: [Buffer | string, string, string, RegExp][] = [
      [goodPdf.subarray(0, goodPdf.length / 2), 'application/pdf', 'spa.pdf', /could not be read as a PDF/],
      [Buffer.from('PK\u0003\u0004 definitely not a zip'), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'spa.docx', /could not be read as a Word document/],
      [makeZip([{ name: 'hello.txt', data: 'not a docx' }]), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'spa.docx', /could not be read as a Word document/],
      ['question,answer\n"unterminated,quote\n', 'text/csv', 'faq.csv', /could not be read as CSV/],
      ['title;body\nx;y\n', 'text/csv', 'faq.csv', /needs a header row with "question" and "answer"/],
      [Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x00]), 'text/markdown', 'guide.md', /not UTF-8 text/],
      ['[{"question": "Spa?"}]', 'application/json', 'faq.json', /Entry 1 has no answer/],
    ];
    for (const [bytes, type, filename, message] of cases) {
      const r = await upload(bytes, type, `?filename=${filename}`);
      expect(r.status, filename).toBe(400);
      expect(String(r.body.detail), filename).toMatch(message);
    }
    const unknown = await s.admin.fetch(`${base}/import?filename=spa.xls`, { method: 'POST', body: 'x', headers: { 'content-type': 'application/vnd.ms-excel' } });
    expect(unknown.status).toBe(415);
    expect(await items()).toEqual(before);
  });

  it('needs the knowledge.write permission to import', async () => {
    const agent = await s.staff('agent');
    const res = await agent.fetch(`${base}/import?filename=a.md`, { method: 'POST', body: '# A\ntext', headers: { 'content-type': 'text/markdown' } });
    expect(res.status).toBe(403);
  });
});
