import { ReportMailPreferences, ReportMailTest } from '@contract/reports';
import { useMemo, useState } from 'react';
import { useApi } from '../../api/api-context';
import { asApiError, type ApiError } from '../../api/client';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { LoadProblem } from '../../shared/load-problem';
import { useResource } from '../../shared/use-resource';

function useReportMailApi() {
  const api = useApi();
  return useMemo(
    () => ({
      get: (signal?: AbortSignal) => api.get('/account/report-mail', ReportMailPreferences, { signal }),
      save: (prefs: ReportMailPreferences) => api.put('/account/report-mail', prefs, ReportMailPreferences),
      test: (propertyId: string) => api.post(`/properties/${encodeURIComponent(propertyId)}/reports/test-mail`, undefined, ReportMailTest, { timeoutMs: 60_000 }),
    }),
    [api],
  );
}

/** The signed-in manager's choice of report e-mails, and a test send of this hotel's latest report. */
export function ReportMailPanel({ propertyId, hotelName }: { propertyId: string; hotelName: string }) {
  const api = useReportMailApi();
  const canSeeChannels = useCan()('channels.read');
  const [prefs, { reload, set }] = useResource((signal) => api.get(signal), [api]);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');

  async function run(kind: 'save' | 'test', action: () => Promise<string>) {
    setBusy(kind);
    setError(null);
    setNotice('');
    try {
      setNotice(await action());
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  function toggle(kind: 'daily' | 'weekly', on: boolean) {
    if (prefs.status !== 'ready') return;
    const next = { ...prefs.data, [kind]: on };
    // Shown at once; read again from the server if the save fails.
    set(next);
    void run('save', async () => {
      try {
        set(await api.save(next));
      } catch (err) {
        reload();
        throw err;
      }
      return on ? `You will receive the ${kind} report by e-mail.` : `You will no longer receive the ${kind} report by e-mail.`;
    });
  }

  return (
    <section className="panel" aria-labelledby="report-mail">
      <h2 id="report-mail">Reports by e-mail</h2>
      <p className="section-help">
        The daily and weekly reports as a PDF in your mailbox, for every hotel you manage, sent through each hotel’s email channel. Figures only, never
        guests’ contact details.
      </p>
      {prefs.status === 'error' ? <LoadProblem error={prefs.error} what="your report e-mail choice" denied="Report e-mails are for managers and admins." onRetry={reload} /> : null}
      {prefs.status === 'ready' ? (
        <fieldset className="report-mail-choice" disabled={busy !== null}>
          <legend className="visually-hidden">Report e-mails you receive</legend>
          <label className="checkbox-row">
            <input type="checkbox" checked={prefs.data.daily} onChange={(e) => toggle('daily', e.target.checked)} />
            E-mail me the daily report
          </label>
          <label className="checkbox-row">
            <input type="checkbox" checked={prefs.data.weekly} onChange={(e) => toggle('weekly', e.target.checked)} />
            E-mail me the weekly report
          </label>
        </fieldset>
      ) : null}
      <div className="form-actions">
        <button
          type="button"
          className="button"
          disabled={busy !== null}
          onClick={() =>
            void run('test', async () => {
              const sent = await api.test(propertyId);
              return `Sent ${hotelName}’s latest report to ${sent.sentTo}.`;
            })
          }
        >
          {busy === 'test' ? 'Sending…' : 'Send me a test report'}
        </button>
      </div>
      <p className="notice" role="status">
        {notice}
      </p>
      {error ? (
        <p className="field-error" role="alert">
          Not done: {error.detail ?? error.title}
          {canSeeChannels && /email channel/.test(error.detail ?? '') ? (
            <>
              {' '}
              <a href={hrefFor({ screen: 'property', id: propertyId })}>Open the hotel’s channels</a>
            </>
          ) : null}
        </p>
      ) : null}
    </section>
  );
}
