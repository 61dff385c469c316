import { WEEKDAYS, type Property } from '@contract/properties';
import { onlyWhoMay } from '../../app/permission-text';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { CheckboxField, SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { Screen } from '../../shared/screen';
import { useEditForm } from '../../shared/use-edit-form';
import { useResource } from '../../shared/use-resource';
import { ClosuresEditor } from './closures.editor';
import { DeskHoursEditor } from './desk-hours.editor';
import { describePath, draftFrom, patchFrom, PLAN_OPTIONS, type PropertyDraft } from './property-draft';
import { usePropertiesApi } from './properties.api';
import { TimeZoneField } from './time-zone-field';
import { SaveBar } from '../../shared/save-bar';

export function PropertySettingsScreen({ id }: { id: string }) {
  const api = usePropertiesApi();
  const [property, { reload, set }] = useResource((signal) => api.get(id, signal), [api, id]);
  const ready = property.status === 'ready' ? property.data : undefined;

  return (
    <Screen
      title={ready ? ready.name : 'Hotel settings'}
      subtitle={
        ready ? (
          <>
            Hotel settings · <code>{ready.slug}</code>
          </>
        ) : undefined
      }
      actions={
        <a className="button" href={hrefFor({ screen: 'properties' })}>
          All properties
        </a>
      }
    >
      {property.status === 'loading' ? <p className="muted">Loading settings…</p> : null}
      {property.status === 'error' ? (
        <div className="alert alert--error" role="alert">
          <p className="alert-title">
            {property.error.status === 404 ? 'There is no hotel with this address.' : `Could not load the hotel: ${property.error.detail ?? property.error.title}`}
          </p>
          {property.error.status !== 404 ? (
            <button type="button" className="button" onClick={reload}>
              Try again
            </button>
          ) : null}
        </div>
      ) : null}
      {ready ? <SettingsForm key={ready.id} property={ready} onSaved={set} /> : null}
    </Screen>
  );
}

function SettingsForm({ property, onSaved }: { property: Property; onSaved: (p: Property) => void }) {
  const api = usePropertiesApi();
  const form = useEditForm({
    original: property,
    draftFrom,
    patchFrom,
    update: (patch) => api.update(property.id, patch),
    onSaved,
    savedNotice: () => `Settings saved at ${new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}.`,
  });
  const { draft, error, problemRef } = form;
  const canEdit = useCan()('properties.update');
  const errorFor = (path: string) => error?.fieldError(path);

  function change(next: Partial<PropertyDraft>) {
    // Errors name rows by position; once rows are added or removed they no longer line up.
    const reshaped =
      (next.closures && next.closures.length !== draft.closures.length) ||
      (next.deskHours && WEEKDAYS.some((d) => next.deskHours?.[d].length !== draft.deskHours[d].length));
    if (reshaped) form.clearError();
    form.change(next);
  }

  return (
    <form className="settings" noValidate onSubmit={(e) => void form.save(e)}>
      {canEdit ? (
        <div ref={problemRef} tabIndex={-1} className="problem-anchor">
          <FormProblem error={error} describePath={describePath} lead="Settings not saved" />
        </div>
      ) : (
        <p className="read-only-note" role="note">
          Read only: {onlyWhoMay('properties.update', 'change hotel settings')}
        </p>
      )}
      {/* A disabled fieldset makes every field and add/remove button of the form read-only at once. */}
      <fieldset className="settings-fields" disabled={!canEdit}>

        <section className="panel" aria-labelledby="settings-general">
          <h2 id="settings-general">General</h2>
          <div className="form-grid">
            <TextField label="Name" value={draft.name} onChange={(name) => change({ name })} required autoComplete="off" error={errorFor('name')} />
            <TimeZoneField value={draft.timezone} onChange={(timezone) => change({ timezone })} error={errorFor('timezone')} />
            <TextField
              label="Currency"
              value={draft.currency}
              onChange={(v) => change({ currency: v.toUpperCase() })}
              maxLength={3}
              autoComplete="off"
              spellCheck={false}
              hint="ISO 4217 code, for example MYR."
              error={errorFor('currency')}
              className="field--short"
            />
            <SelectField label="Plan" value={draft.plan} options={PLAN_OPTIONS} onChange={(plan) => change({ plan })} error={errorFor('plan')} />
            <TextField
              label="Retention (days)"
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              value={draft.retentionDays}
              onChange={(retentionDays) => change({ retentionDays })}
              hint="How long guest conversations are kept, 1 to 3650 days."
              error={errorFor('retentionDays')}
              className="field--short"
            />
            <CheckboxField
              label="Active"
              checked={draft.active}
              onChange={(active) => change({ active })}
              hint="Inactive hotels keep their data but do not answer guests."
              error={errorFor('active')}
            />
          </div>
        </section>

        <section className="panel" aria-labelledby="settings-desk-hours">
          <h2 id="settings-desk-hours">Desk hours</h2>
          <p className="section-help">
            When staff are at the desk, in the hotel’s time zone ({property.timezone}). Add a second range for a split shift; a range that closes
            earlier than it opens runs past midnight.
          </p>
          <DeskHoursEditor value={draft.deskHours} onChange={(deskHours) => change({ deskHours })} errorFor={errorFor} />
        </section>

        <section className="panel" aria-labelledby="settings-quiet">
          <h2 id="settings-quiet">Quiet hours and AI</h2>
          <p className="section-help">
            Follow-ups and other messages the hotel starts wait until quiet hours end (hotel time). Replies the AI is less sure of than the threshold go to
            staff instead of the guest.
          </p>
          <div className="form-grid">
            <div className="quiet-hours" role="group" aria-labelledby="quiet-hours-label">
              <span id="quiet-hours-label" className="field-label">
                Quiet hours
              </span>
              <div className="quiet-hours-range">
                <TextField
                  label="From"
                  type="time"
                  step={60}
                  value={draft.quietStart}
                  onChange={(quietStart) => change({ quietStart })}
                  error={errorFor('quietHours.start') ?? errorFor('quietHours')}
                  className="field--time"
                />
                <TextField label="Until" type="time" step={60} value={draft.quietEnd} onChange={(quietEnd) => change({ quietEnd })} error={errorFor('quietHours.end')} className="field--time" />
              </div>
            </div>
            <TextField
              label="Confidence threshold (%)"
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              value={draft.confidencePercent}
              onChange={(confidencePercent) => change({ confidencePercent })}
              hint="Below this the AI hands the guest to a person. 70% suits most hotels."
              error={errorFor('confidenceThreshold')}
              className="field--short"
            />
            <TextField
              label="Daily cloud budget (USD)"
              type="number"
              inputMode="decimal"
              min={0}
              step="0.01"
              value={draft.cloudBudgetUsd}
              onChange={(cloudBudgetUsd) => change({ cloudBudgetUsd })}
              hint="Blank: the group default. Cloud use stops for the day at 100%."
              error={errorFor('cloudBudgetUsd')}
              className="field--short"
            />
            <TextField
              label="Country"
              value={draft.country}
              onChange={(v) => change({ country: v.toUpperCase() })}
              maxLength={2}
              autoComplete="off"
              spellCheck={false}
              hint="Two letters, for phone numbers written without a country code (MY, GB…)."
              error={errorFor('country')}
              className="field--short"
            />
          </div>
        </section>

        <section className="panel" aria-labelledby="settings-closures">
          <h2 id="settings-closures">Closures</h2>
          <p className="section-help">Whole days the desk is closed, such as public holidays.</p>
          <ClosuresEditor value={draft.closures} onChange={(closures) => change({ closures })} errorFor={errorFor} />
        </section>

      </fieldset>
      {canEdit ? (
        <SaveBar {...form.saveBar} />
      ) : null}
    </form>
  );
}
