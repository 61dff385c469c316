import { useState } from 'react';
import type { Property } from '@contract/properties';
import type { ApiError } from '../../api/client';
import { TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { useSubmit } from '../../shared/use-submit';
import { describePath } from './property-draft';
import { usePropertiesApi } from './properties.api';
import { localTimeZone, TimeZoneField } from './time-zone-field';

/** A suggestion only: lower-case ASCII, digits and dashes, as the contract's Slug requires. */
function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/** A new hotel's name and slug: the slug is suggested from the name, and follows it until someone edits the slug. */
export function useNameAndSlug(existing?: { name: string; slug: string } | null) {
  const [name, setName] = useState(existing?.name ?? '');
  const [slug, setSlug] = useState(existing?.slug ?? '');
  const [slugEdited, setSlugEdited] = useState(Boolean(existing));
  return {
    name,
    slug,
    setName: (v: string) => {
      setName(v);
      if (!slugEdited) setSlug(slugify(v));
    },
    setSlug: (v: string) => {
      setSlug(v);
      setSlugEdited(true);
    },
  };
}

/** The server's error for a field of a new hotel; a taken slug comes back as 409 without field errors, and still belongs next to the slug. */
export function newPropertyFieldError(error: ApiError | null, path: string): string | undefined {
  return error?.fieldError(path) ?? (path === 'slug' && error?.status === 409 ? error.detail : undefined);
}

interface NewPropertyFormProps {
  id: string;
  onCreated: (property: Property) => void;
  onCancel: () => void;
}

export function NewPropertyForm({ id, onCreated, onCancel }: NewPropertyFormProps) {
  const api = usePropertiesApi();
  const { name, slug, setName, setSlug } = useNameAndSlug();
  const [timezone, setTimezone] = useState(localTimeZone);
  const [currency, setCurrency] = useState('USD');
  const { error, busy, submit } = useSubmit(onCreated);
  const fieldError = (path: string) => newPropertyFieldError(error, path);

  return (
    <section className="panel" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New hotel</h2>
      {/* The server validates; its field errors are shown next to the fields. */}
      <form noValidate onSubmit={(e) => void submit(e, () => api.create({ name, slug: slug.trim(), timezone: timezone.trim(), currency: currency.trim() }))}>
        <FormProblem error={error} describePath={describePath} lead="Could not create the hotel" />
        <div className="form-grid">
          <TextField
            label="Name"
            value={name}
            onChange={setName}
            required
            autoComplete="off"
            error={fieldError('name')}
          />
          <TextField
            label="Slug"
            value={slug}
            onChange={setSlug}
            required
            autoComplete="off"
            spellCheck={false}
            hint="Used in links and webhooks: lower-case letters, digits and dashes."
            error={fieldError('slug')}
          />
          <TimeZoneField value={timezone} onChange={setTimezone} error={fieldError('timezone')} />
          <TextField
            label="Currency"
            value={currency}
            onChange={(v) => setCurrency(v.toUpperCase())}
            maxLength={3}
            autoComplete="off"
            spellCheck={false}
            hint="ISO 4217 code, for example MYR."
            error={fieldError('currency')}
            className="field--short"
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create hotel'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
