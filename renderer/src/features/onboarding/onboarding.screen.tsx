import { SETUP_STEPS, type Property, type SetupProgress, type SetupStep } from '@contract/properties';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { hrefFor } from '../../app/router';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useSubmit } from '../../shared/use-submit';
import { useResource } from '../../shared/use-resource';
import { useKnowledgeApi, type ItemInput } from '../knowledge/knowledge.api';
import { KnowledgeImport } from '../knowledge/knowledge-import';
import { DeskHoursEditor } from '../properties/desk-hours.editor';
import { newPropertyFieldError, useNameAndSlug } from '../properties/new-property.form';
import { describePath, draftFrom, patchFrom, type PropertyDraft } from '../properties/property-draft';
import { usePropertiesApi } from '../properties/properties.api';
import { localTimeZone, TimeZoneField } from '../properties/time-zone-field';
import { ChannelsPanel } from '../settings/channels.panel';
import { ModelStatus } from '../settings/model-status';
import { TunnelStatusView } from '../settings/tunnel-status';
import { useSetupProgressApi } from './setup-progress.api';

const STEPS = SETUP_STEPS;
type Step = SetupStep;

/**
 * The first hotel, step by step: profile, hours, knowledge, channels, tunnel. The hotel exists and
 * answers from the first step on; every later step improves it and can be skipped. The server
 * keeps the step reached, so a reload, another window or a restart continues where it stopped.
 */
export function OnboardingScreen() {
  const setup = useSetupProgressApi();
  const [saved] = useResource((signal) => setup.get(signal), [setup]);
  if (saved.status === 'loading') {
    return (
      <Screen title="Set up your hotel">
        <p className="muted">Loading…</p>
      </Screen>
    );
  }
  // Without the saved step (the server did not answer) the guide still works from the start.
  return <Wizard resumed={saved.status === 'ready' ? saved.data : null} />;
}

function Wizard({ resumed }: { resumed: SetupProgress | null }) {
  const properties = usePropertiesApi();
  const setup = useSetupProgressApi();
  const [state, setState] = useState<{ step: Step; propertyId: string | null }>(() => resumed ?? { step: 'Hotel', propertyId: null });
  const [saveProblem, setSaveProblem] = useState<ApiError | null>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setup.save(state.propertyId ? { propertyId: state.propertyId, step: state.step } : null).then(
      () => setSaveProblem(null),
      (err: unknown) => setSaveProblem(asApiError(err)),
    );
  }, [setup, state]);
  const [property, { set }] = useResource(
    (signal) => (state.propertyId ? properties.get(state.propertyId, signal) : Promise.resolve(null)),
    [properties, state.propertyId],
  );
  const hotel = property.status === 'ready' ? property.data : null;
  const go = (step: Step) => setState((s) => ({ ...s, step }));
  const index = STEPS.indexOf(state.step);

  return (
    <Screen title={hotel ? `Set up ${hotel.name}` : 'Set up your hotel'} subtitle="A few minutes, in six short steps. Everything can be changed later in the hotel’s settings.">
      <ol className="wizard-steps" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={s === state.step ? 'step' : undefined} className={i < index ? 'wizard-step wizard-step--done' : 'wizard-step'}>
            <span className="wizard-step-n">{i + 1}</span> {s}
          </li>
        ))}
      </ol>
      {resumed && resumed.step !== 'Hotel' && resumed.step !== 'Done' && state.step === resumed.step && state.propertyId === resumed.propertyId ? (
        <p className="notice" role="status">
          Continuing where you stopped{hotel ? ` with ${hotel.name}` : ''}: step {STEPS.indexOf(resumed.step) + 1}, {resumed.step}.
        </p>
      ) : null}
      {saveProblem ? <p className="field-error">This step was not remembered ({saveProblem.detail ?? saveProblem.title}); after a reload the guide may start from an earlier step.</p> : null}
      {property.status === 'error' ? <LoadProblem error={property.error} what="the hotel" denied="" /> : null}
      {state.step === 'Hotel' ? (
        <ProfileStep
          existing={hotel}
          onDone={(p) => {
            set(p);
            setState({ step: 'Hours', propertyId: p.id });
          }}
        />
      ) : null}
      {state.step !== 'Hotel' && !hotel && property.status === 'loading' ? <p className="muted">Loading the hotel…</p> : null}
      {state.step === 'Hours' && hotel ? <HoursStep hotel={hotel} onSaved={set} onNext={() => go('Knowledge')} onBack={() => go('Hotel')} /> : null}
      {state.step === 'Knowledge' && hotel ? <KnowledgeStep hotel={hotel} onNext={() => go('Channels')} onBack={() => go('Hours')} /> : null}
      {state.step === 'Channels' && hotel ? (
        <WizardPanel title="Channels" help="Connect the hotel’s WhatsApp number, email inbox or website chat. Paste each webhook URL into the provider’s settings. You can skip this and do it later." onNext={() => go('Tunnel')} onBack={() => go('Knowledge')} nextLabel="Next: tunnel">
          <ChannelsPanel propertyId={hotel.id} />
        </WizardPanel>
      ) : null}
      {state.step === 'Tunnel' && hotel ? (
        <WizardPanel title="Tunnel and AI" help="Guests’ messages reach this computer through a tunnel. Check that it is connected and that the AI model answers." onNext={() => go('Done')} onBack={() => go('Channels')} nextLabel="Finish">
          <TunnelStatusView />
          <h3 className="wizard-sub">AI models</h3>
          <ModelStatus />
        </WizardPanel>
      ) : null}
      {state.step === 'Done' && hotel ? <DoneStep hotel={hotel} onRestart={() => setState({ step: 'Hotel', propertyId: null })} /> : null}
    </Screen>
  );
}

function WizardPanel({ title, help, children, onNext, onBack, nextLabel }: { title: string; help: string; children: ReactNode; onNext: () => void; onBack: () => void; nextLabel: string }) {
  return (
    <section className="panel wizard-panel" aria-labelledby="wizard-title">
      <h2 id="wizard-title">{title}</h2>
      <p className="section-help">{help}</p>
      {children}
      <div className="form-actions wizard-actions">
        <button type="button" className="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className="button button--primary" onClick={onNext}>
          {nextLabel}
        </button>
      </div>
    </section>
  );
}

function ProfileStep({ existing, onDone }: { existing: Property | null; onDone: (p: Property) => void }) {
  const api = usePropertiesApi();
  const hotels = useHotels();
  const { name, slug, setName, setSlug } = useNameAndSlug(existing);
  const [timezone, setTimezone] = useState(existing?.timezone ?? localTimeZone());
  const [currency, setCurrency] = useState(existing?.currency ?? 'USD');
  const [country, setCountry] = useState(existing?.country ?? 'MY');
  const { error, busy, submit } = useSubmit((saved: Property) => {
    hotels.refresh();
    onDone(saved);
  });
  const fieldError = (path: string) => newPropertyFieldError(error, path);
  const save = () =>
    existing
      ? api.update(existing.id, { name, timezone: timezone.trim(), currency: currency.trim(), country: country.trim() })
      : api.create({ name, slug: slug.trim(), timezone: timezone.trim(), currency: currency.trim(), country: country.trim() });

  return (
    <section className="panel wizard-panel" aria-labelledby="wizard-title">
      <h2 id="wizard-title">The hotel</h2>
      <p className="section-help">Its name as guests know it, and where it is: the time zone decides desk hours, quiet hours and “after hours”.</p>
      <form noValidate onSubmit={(e) => void submit(e, save)}>
        <FormProblem error={error} describePath={describePath} lead="Could not save the hotel" />
        <div className="form-grid">
          <TextField
            label="Hotel name"
            value={name}
            onChange={setName}
            required
            autoComplete="off"
            error={fieldError('name')}
          />
          <TextField
            label="Short name"
            value={slug}
            onChange={setSlug}
            disabled={Boolean(existing)}
            autoComplete="off"
            spellCheck={false}
            hint="Used in links and webhooks: lower-case letters, digits and dashes."
            error={fieldError('slug')}
          />
          <TimeZoneField value={timezone} onChange={setTimezone} error={fieldError('timezone')} />
          <TextField label="Currency" value={currency} onChange={(v) => setCurrency(v.toUpperCase())} maxLength={3} autoComplete="off" hint="ISO 4217, for example MYR." error={fieldError('currency')} className="field--short" />
          <TextField label="Country" value={country} onChange={(v) => setCountry(v.toUpperCase())} maxLength={2} autoComplete="off" hint="Two letters, for example MY." error={fieldError('country')} className="field--short" />
        </div>
        <div className="form-actions wizard-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : existing ? 'Save and continue' : 'Create the hotel and continue'}
          </button>
        </div>
      </form>
    </section>
  );
}

function HoursStep({ hotel, onSaved, onNext, onBack }: { hotel: Property; onSaved: (p: Property) => void; onNext: () => void; onBack: () => void }) {
  const api = usePropertiesApi();
  const [draft, setDraft] = useState<PropertyDraft>(() => draftFrom(hotel));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const patch = patchFrom(hotel, draft);
      const saved = Object.keys(patch).length ? await api.update(hotel.id, patch) : hotel;
      onSaved(saved);
      onNext();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel wizard-panel" aria-labelledby="wizard-title">
      <h2 id="wizard-title">Desk and quiet hours</h2>
      <p className="section-help">
        When staff are at the desk (hotel time, {hotel.timezone}). Outside these hours guests are told when a person will reply. Messages the hotel starts wait
        until quiet hours end.
      </p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <FormProblem error={error} describePath={describePath} lead="Hours not saved" />
        <DeskHoursEditor value={draft.deskHours} onChange={(deskHours) => setDraft((d) => ({ ...d, deskHours }))} errorFor={(p) => error?.fieldError(p)} />
        <div className="form-grid wizard-quiet">
          <TextField label="Quiet hours from" type="time" step={60} value={draft.quietStart} onChange={(quietStart) => setDraft((d) => ({ ...d, quietStart }))} error={error?.fieldError('quietHours.start')} />
          <TextField label="Quiet hours until" type="time" step={60} value={draft.quietEnd} onChange={(quietEnd) => setDraft((d) => ({ ...d, quietEnd }))} error={error?.fieldError('quietHours.end')} />
        </div>
        <div className="form-actions wizard-actions">
          <button type="button" className="button" onClick={onBack}>
            Back
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save and continue'}
          </button>
        </div>
      </form>
    </section>
  );
}

const STARTERS: readonly (ItemInput & { label: string; placeholder: string })[] = [
  { category: 'policies', title: 'Check-in and check-out times', label: 'Check-in and check-out', placeholder: 'Check-in from 3 pm, check-out by 12 noon. Early check-in on request.', content: '' },
  { category: 'facilities', title: 'Parking', label: 'Parking', placeholder: 'Free covered parking for guests; valet at the main entrance.', content: '' },
  { category: 'dining', title: 'Breakfast', label: 'Breakfast', placeholder: 'Buffet breakfast 6:30–10:30 am in the lobby café, MYR 45 per adult.', content: '' },
  { category: 'directions', title: 'Getting here', label: 'Getting here', placeholder: '45 minutes from the airport by taxi; 5 minutes’ walk from the central station.', content: '' },
];

function KnowledgeStep({ hotel, onNext, onBack }: { hotel: Property; onNext: () => void; onBack: () => void }) {
  const api = useKnowledgeApi();
  const [count, { reload }] = useResource(async (signal) => (await api.list(hotel.id, { active: 'true' }, signal)).length, [api, hotel.id]);
  const [texts, setTexts] = useState<string[]>(() => STARTERS.map(() => ''));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');

  async function addStarters(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    let added = 0;
    try {
      for (const [i, s] of STARTERS.entries()) {
        const content = texts[i]?.trim();
        if (!content) continue;
        await api.create(hotel.id, { category: s.category, title: s.title, content });
        added++;
      }
      setTexts(STARTERS.map(() => ''));
      setNotice(added ? `Added ${added} item${added === 1 ? '' : 's'}.` : 'Nothing to add: write at least one answer.');
      reload();
    } catch (err) {
      setError(asApiError(err));
      reload();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel wizard-panel" aria-labelledby="wizard-title">
      <h2 id="wizard-title">What the assistant should know</h2>
      <p className="section-help">
        The assistant answers only from this knowledge. Import the hotel’s fact sheet, or answer the questions guests ask most. It has {count.status === 'ready' ? count.data : '…'} item
        {count.status === 'ready' && count.data === 1 ? '' : 's'} now.
      </p>
      <h3 className="wizard-sub">Import a document</h3>
      <KnowledgeImport propertyId={hotel.id} onImported={() => reload()} />
      <h3 className="wizard-sub">Or answer the common questions</h3>
      <form noValidate onSubmit={(e) => void addStarters(e)} className="stack-form">
        <FormProblem error={error} lead="Not all items were added" />
        {STARTERS.map((s, i) => (
          <div className="field" key={s.title}>
            <label htmlFor={`starter-${i}`}>{s.label}</label>
            <textarea id={`starter-${i}`} rows={2} placeholder={s.placeholder} value={texts[i] ?? ''} onChange={(e) => setTexts((t) => t.map((x, j) => (j === i ? e.target.value : x)))} />
          </div>
        ))}
        <div className="form-actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Adding…' : 'Add these answers'}
          </button>
          <p className="notice" role="status">
            {notice}
          </p>
        </div>
      </form>
      <div className="form-actions wizard-actions">
        <button type="button" className="button" onClick={onBack}>
          Back
        </button>
        <button type="button" className="button button--primary" onClick={onNext}>
          Next: channels
        </button>
      </div>
    </section>
  );
}

function DoneStep({ hotel, onRestart }: { hotel: Property; onRestart: () => void }) {
  return (
    <section className="panel wizard-panel" aria-labelledby="wizard-title">
      <h2 id="wizard-title">{hotel.name} is ready</h2>
      <p className="section-help">The assistant answers guests from the knowledge you gave it and hands anything it is unsure of to the inbox.</p>
      <ul className="wizard-next">
        <li>
          <a href={hrefFor({ screen: 'inbox' })}>Open the inbox</a> — where guests’ conversations appear.
        </li>
        <li>
          <a href={hrefFor({ screen: 'knowledge', propertyId: hotel.id })}>Try a question</a> against the knowledge base.
        </li>
        <li>
          <a href={hrefFor({ screen: 'property', id: hotel.id })}>Hotel settings</a> — hours, confidence threshold, channels and the AI switch.
        </li>
        <li>
          <a href={hrefFor({ screen: 'users' })}>Add the front-desk staff</a> and grant them this hotel.
        </li>
      </ul>
      <button type="button" className="button" onClick={onRestart}>
        Set up another hotel
      </button>
    </section>
  );
}
