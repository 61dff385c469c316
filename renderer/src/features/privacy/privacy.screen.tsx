import { useState } from 'react';
import { z } from 'zod';
import { useApi } from '../../api/api-context';
import { asApiError, type ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { formatBytes, formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { ModalDialog } from '../../shared/modal-dialog';
import { Screen } from '../../shared/screen';
import { useResource } from '../../shared/use-resource';

const ExportResult = z.object({
  generatedAt: z.string(),
  hotels: z.array(
    z.object({
      propertyId: z.string(),
      hotel: z.string(),
      guests: z.array(z.object({ conversations: z.array(z.object({ messages: z.array(z.unknown()) })), leads: z.array(z.unknown()) })),
    }),
  ),
});
type ExportResult = z.infer<typeof ExportResult>;

const EraseResult = z.object({
  hotels: z.array(
    z.object({
      propertyId: z.string(),
      guests: z.number(),
      conversations: z.number(),
      messages: z.number(),
      leads: z.number(),
      emailThreads: z.number(),
      identifiers: z.number(),
      gapQuestions: z.number(),
    }),
  ),
  inboundEvents: z.number(),
});
type EraseResult = z.infer<typeof EraseResult>;

const Backups = z.object({ items: z.array(z.object({ file: z.string(), bytes: z.number(), createdAt: z.string() })) });

function erasedSentence(r: EraseResult): string {
  const sum = (f: (h: EraseResult['hotels'][number]) => number) => r.hotels.reduce((n, h) => n + f(h), 0);
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return (
    `Erased ${n(sum((h) => h.guests), 'guest record', 'guest records')} in ${n(r.hotels.length, 'hotel', 'hotels')}, with ` +
    `${n(sum((h) => h.identifiers), 'phone number or email address', 'phone numbers and email addresses')} found with them, ` +
    `${n(sum((h) => h.conversations), 'conversation', 'conversations')}, ${n(sum((h) => h.messages), 'message', 'messages')}, ` +
    `${n(sum((h) => h.leads), 'inquiry', 'inquiries')}, ${n(sum((h) => h.emailThreads), 'email thread reference', 'email thread references')}, ` +
    `${n(sum((h) => h.gapQuestions), 'knowledge-gap question', 'knowledge-gap questions')} and ${n(r.inboundEvents, 'queued message', 'queued messages')}. ` +
    'Report figures are unchanged.'
  );
}

/** The data-protection officer's screen: a guest's data (export or erase) and the backups. */
export function PrivacyScreen() {
  const api = useApi();
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [found, setFound] = useState<ExportResult | null>(null);
  const [erased, setErased] = useState<EraseResult | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [backups, { reload: reloadBackups }] = useResource((signal) => api.get('/system/backups', Backups, { signal }), [api]);
  const [backingUp, setBackingUp] = useState(false);

  const query = () => ({ ...(phone.trim() ? { phone: phone.trim() } : {}), ...(email.trim() ? { email: email.trim() } : {}) });

  const find = async () => {
    setBusy(true);
    setProblem(null);
    setErased(null);
    try {
      setFound(await api.post('/privacy/export', query(), ExportResult));
    } catch (err) {
      setFound(null);
      setProblem(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const download = (data: ExportResult) => {
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'guest-data.json';
    a.click();
    URL.revokeObjectURL(url);
  };

  const erase = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setErased(await api.post('/privacy/erase', query(), EraseResult));
      setFound(null);
      setConfirming(false);
      setTyped('');
    } catch (err) {
      setProblem(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const backupNow = async () => {
    setBackingUp(true);
    try {
      await api.post('/system/backups', {}, z.unknown(), { timeoutMs: 120_000 });
      reloadBackups();
    } catch (err) {
      setProblem(asApiError(err));
    } finally {
      setBackingUp(false);
    }
  };

  const counts = found?.hotels.map((h) => ({
    hotel: h.hotel,
    records: h.guests.length,
    conversations: h.guests.reduce((n, g) => n + g.conversations.length, 0),
    messages: h.guests.reduce((n, g) => n + g.conversations.reduce((m, c) => m + c.messages.length, 0), 0),
    leads: h.guests.reduce((n, g) => n + g.leads.length, 0),
  }));

  return (
    <Screen title="Privacy" subtitle="A guest's right to their data: find it, export it, or erase it. Every action is in the audit log, without the guest's details.">
      <section className="panel" aria-labelledby="privacy-guest">
        <h2 id="privacy-guest">Find a guest</h2>
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void find();
          }}
        >
          <TextField label="Phone number" value={phone} onChange={setPhone} inputMode="tel" autoComplete="off" hint="Any format, for example +60 12-345 6789" />
          <TextField label="Email address" value={email} onChange={setEmail} type="email" autoComplete="off" />
          <div className="form-actions">
            <button type="submit" className="button button--primary" disabled={busy || (!phone.trim() && !email.trim())}>
              Find and export
            </button>
          </div>
        </form>
        {problem ? (
          <p role="alert" className="form-problem">
            {problem.detail ?? problem.message}
          </p>
        ) : null}
        {found ? (
          found.hotels.length === 0 ? (
            <p role="status">Nothing is held about this guest in the hotels you act for.</p>
          ) : (
            <div role="status">
              <table className="table">
                <caption>Held about this guest</caption>
                <thead>
                  <tr>
                    <th scope="col">Hotel</th>
                    <th scope="col">Guest records</th>
                    <th scope="col">Conversations</th>
                    <th scope="col">Messages</th>
                    <th scope="col">Inquiries</th>
                  </tr>
                </thead>
                <tbody>
                  {counts!.map((c) => (
                    <tr key={c.hotel}>
                      <td>{c.hotel}</td>
                      <td>{c.records}</td>
                      <td>{c.conversations}</td>
                      <td>{c.messages}</td>
                      <td>{c.leads}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="form-actions">
                <button type="button" className="button" onClick={() => download(found)}>
                  Download the export (JSON)
                </button>
                <button type="button" className="button button--danger" onClick={() => setConfirming(true)}>
                  Erase this guest…
                </button>
              </div>
            </div>
          )
        ) : null}
        {erased ? (
          <p role="status">{erasedSentence(erased)}</p>
        ) : null}
      </section>

      {confirming ? (
        <ModalDialog title="Erase this guest?" role="alertdialog" onCancel={() => setConfirming(false)}>
          <p>Their contact details, conversations, messages and inquiries are deleted from every hotel you act for. This cannot be undone.</p>
          <TextField label='Type "ERASE" to confirm' value={typed} onChange={setTyped} data-autofocus autoComplete="off" />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
            <button type="button" className="button button--danger" disabled={typed !== 'ERASE' || busy} onClick={() => void erase()}>
              Erase for good
            </button>
          </div>
        </ModalDialog>
      ) : null}

      <section className="panel" aria-labelledby="privacy-backups">
        <h2 id="privacy-backups">Backups</h2>
        <p className="section-help">Encrypted with a key derived from the master key, which is never inside a backup. Restore with <code>nocturn restore</code>.</p>
        {backups.status === 'error' ? <LoadProblem error={backups.error} what="the backups" denied="Backups are for administrators." onRetry={reloadBackups} /> : null}
        {backups.status === 'ready' ? (
          backups.data.items.length === 0 ? (
            <p>No backup yet.</p>
          ) : (
            <ul>
              {backups.data.items.map((b) => (
                <li key={b.file}>
                  {formatDateTime(b.createdAt)} — {formatBytes(b.bytes)}
                </li>
              ))}
            </ul>
          )
        ) : null}
        <button type="button" className="button" onClick={() => void backupNow()} disabled={backingUp}>
          {backingUp ? 'Backing up…' : 'Back up now'}
        </button>
      </section>
    </Screen>
  );
}
