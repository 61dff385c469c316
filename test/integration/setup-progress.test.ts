import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type StaffClient, type TestServer } from '../support/server.js';

/** The set-up guide's progress is kept by the server, for admins, and only for hotels that exist. */

let s: TestServer;
let hotelId = '';
const path = '/api/v1/setup-progress';

beforeAll(async () => {
  s = await startTestServer();
  const res = await s.admin.post('/api/v1/properties', { name: 'Harbour View', slug: 'harbour', timezone: 'Asia/Kuala_Lumpur', currency: 'MYR' });
  hotelId = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  await s.stop();
});

async function progressOf(client: StaffClient): Promise<unknown> {
  const res = await client.get(path);
  expect(res.status).toBe(200);
  return ((await res.json()) as { progress: unknown }).progress;
}

describe('set-up guide progress', () => {
  it('is empty at first, remembers the hotel (by id, even when given its slug) and the step, and forgets it on request', async () => {
    expect(await progressOf(s.admin)).toBeNull();
    const put = await s.admin.put(path, { progress: { propertyId: 'harbour', step: 'Knowledge' } });
    expect(put.status).toBe(200);
    expect(await progressOf(s.admin)).toEqual({ propertyId: hotelId, step: 'Knowledge' });
    // Another admin (another window, another day) finds the same place.
    const other = await s.staff('admin');
    expect(await progressOf(other)).toEqual({ propertyId: hotelId, step: 'Knowledge' });
    expect((await s.admin.put(path, { progress: null })).status).toBe(200);
    expect(await progressOf(s.admin)).toBeNull();
  });

  it('refuses an unknown hotel with 404 and a made-up step with 400, keeping what was stored', async () => {
    await s.admin.put(path, { progress: { propertyId: hotelId, step: 'Channels' } });
    const unknown = await s.admin.put(path, { progress: { propertyId: 'prop_nope', step: 'Hours' } });
    expect(unknown.status).toBe(404);
    const bad = await s.admin.put(path, { progress: { propertyId: hotelId, step: 'Party' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    expect(await progressOf(s.admin)).toEqual({ propertyId: hotelId, step: 'Channels' });
  });

  it('is for those who may add hotels: managers and agents are refused', async () => {
    for (const role of ['manager', 'agent'] as const) {
      const client = await s.staff(role);
      expect((await client.get(path)).status).toBe(403);
      expect((await client.put(path, { progress: null })).status).toBe(403);
    }
    expect(await progressOf(s.admin)).toEqual({ propertyId: hotelId, step: 'Channels' });
  });
});
