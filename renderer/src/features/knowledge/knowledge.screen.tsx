import { useState, type FormEvent, type MouseEvent } from 'react';
import { asApiError, type ApiError } from '../../api/client';
import { useHotels } from '../../app/hotels';
import { hrefFor, navigate } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { CheckboxField, SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useLiveResource } from '../../shared/use-live-resource';
import { IndexStatusPanel } from './index-status';
import { CATEGORY_LABEL, KNOWLEDGE_CATEGORIES, MAX_CONTENT_CHARS, MAX_TITLE_CHARS, useKnowledgeApi, type KnowledgeCategory, type KnowledgeItem } from './knowledge.api';
import { KnowledgeImport } from './knowledge-import';
import { KnowledgeSearch } from './knowledge-search';
import { KnowledgeSynonyms } from './knowledge-synonyms';

const CATEGORY_OPTIONS = KNOWLEDGE_CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABEL[c] }));

/** In-page links: the hash is the router's, so scroll by hand. */
function jump(e: MouseEvent, id: string) {
  e.preventDefault();
  const target = document.getElementById(id);
  target?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  target?.setAttribute('tabindex', '-1');
  target?.focus({ preventScroll: true });
}

/** What the assistant knows about each hotel: items by category, import, search tester, index. */
export function KnowledgeScreen({ propertyId }: { propertyId?: string | undefined }) {
  const hotels = useHotels();
  const list = hotels.list.status === 'ready' ? hotels.list.data : [];
  const hotel = (propertyId && hotels.byId.get(propertyId)) || list[0];

  return (
    <Screen
      title="Knowledge"
      subtitle="What the assistant answers from. Keep one fact per item; deactivated items are kept but never used."
      actions={
        list.length > 1 && hotel ? (
          <SelectField
            label="Hotel"
            value={hotel.id}
            options={list.map((h) => ({ value: h.id, label: h.name }))}
            onChange={(id) => navigate({ screen: 'knowledge', propertyId: id })}
            className="field--inline"
          />
        ) : undefined
      }
    >
      {hotels.list.status === 'loading' ? <p className="muted">Loading hotels…</p> : null}
      {hotels.list.status === 'error' ? <LoadProblem error={hotels.list.error} what="the hotels" denied="You cannot see any hotel." onRetry={hotels.reload} /> : null}
      {hotels.list.status === 'ready' && !hotel ? (
        <div className="empty-state">
          <p className="empty-title">No hotels yet</p>
          <p className="muted">
            Knowledge belongs to a hotel. <a href={hrefFor({ screen: 'welcome' })}>Set up the first hotel</a>.
          </p>
        </div>
      ) : null}
      {propertyId && hotels.list.status === 'ready' && !hotels.byId.get(propertyId) ? (
        <p className="alert alert--error" role="alert">
          There is no hotel with this address in your list; showing {hotel?.name ?? 'nothing'} instead.
        </p>
      ) : null}
      {hotel ? <HotelKnowledge key={hotel.id} propertyId={hotel.id} hotelName={hotel.name} /> : null}
    </Screen>
  );
}

function HotelKnowledge({ propertyId, hotelName }: { propertyId: string; hotelName: string }) {
  const api = useKnowledgeApi();
  const can = useCan();
  const canWrite = can('knowledge.write');
  const [showInactive, setShowInactive] = useState(false);
  const [category, setCategory] = useState<KnowledgeCategory | ''>('');
  const [items, { reload, refresh, set }] = useLiveResource((signal) => api.list(propertyId, { active: showInactive ? 'all' : 'true' }, signal), [api, propertyId, showInactive]);
  const [adding, setAdding] = useState(false);
  const [bump, setBump] = useState(0);
  const [notice, setNotice] = useState('');

  /** After a write: the item the server returned is shown at once (so the notice never runs ahead of the list), then the list is fetched again. */
  const changed = (message: string, saved?: KnowledgeItem) => {
    if (saved && items.status === 'ready') {
      const shown = saved.active || showInactive;
      const known = items.data.some((i) => i.id === saved.id);
      if (!shown) set(items.data.filter((i) => i.id !== saved.id));
      else set(known ? items.data.map((i) => (i.id === saved.id ? saved : i)) : [...items.data, saved]);
    }
    setNotice(message);
    refresh();
    setBump((n) => n + 1);
  };

  const visible = items.status === 'ready' ? items.data.filter((i) => !category || i.category === category) : [];
  const groups = KNOWLEDGE_CATEGORIES.map((c) => ({ category: c, items: visible.filter((i) => i.category === c) })).filter((g) => g.items.length > 0);
  return (
    <>
      <nav className="page-nav" aria-label="On this page">
        <a href="#kb-items" onClick={(e) => jump(e, 'kb-items')}>
          Items
        </a>
        {canWrite ? (
          <a href="#kb-import" onClick={(e) => jump(e, 'kb-import')}>
            Import
          </a>
        ) : null}
        <a href="#kb-test" onClick={(e) => jump(e, 'kb-test')}>
          Try a question
        </a>
        <a href="#kb-words" onClick={(e) => jump(e, 'kb-words')}>
          The hotel’s words
        </a>
      </nav>
      <section className="panel" aria-labelledby="kb-index">
        <h2 id="kb-index">Search index</h2>
        <IndexStatusPanel propertyId={propertyId} bump={bump} />
      </section>

      <section className="panel" aria-labelledby="kb-test">
        <h2 id="kb-test">Try a question</h2>
        <p className="section-help">See what the assistant would find for a guest’s question at {hotelName}, before a guest asks it.</p>
        <KnowledgeSearch propertyId={propertyId} />
      </section>

      <section className="panel" aria-labelledby="kb-words">
        <h2 id="kb-words">The hotel’s own words</h2>
        <p className="section-help">Words guests use for things at {hotelName} that the items say differently. Every search reads them.</p>
        <KnowledgeSynonyms propertyId={propertyId} canWrite={canWrite} />
      </section>

      {canWrite ? (
        <section className="panel" aria-labelledby="kb-import">
          <h2 id="kb-import">Import a document</h2>
          <KnowledgeImport propertyId={propertyId} onImported={(r) => changed(`Imported ${r.source}: ${r.created} new, ${r.updated} updated.`)} />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="kb-items">
        <div className="panel-head">
          <h2 id="kb-items">Items{items.status === 'ready' ? ` (${visible.length})` : ''}</h2>
          <div className="panel-tools">
            <SelectField label="Category" value={category} options={[{ value: '' as const, label: 'All categories' }, ...CATEGORY_OPTIONS]} onChange={setCategory} className="field--inline" />
            <CheckboxField label="Show deactivated" checked={showInactive} onChange={setShowInactive} />
            {canWrite ? (
              <button type="button" className="button button--primary" onClick={() => setAdding(true)} disabled={adding}>
                New item
              </button>
            ) : null}
          </div>
        </div>
        <p className="notice" role="status">
          {notice}
        </p>
        {adding ? (
          <ItemForm
            propertyId={propertyId}
            onDone={(item) => {
              setAdding(false);
              if (item) changed(`Added “${item.title}”.`, item);
            }}
          />
        ) : null}
        {items.status === 'loading' ? <p className="muted">Loading items…</p> : null}
        {items.status === 'error' ? <LoadProblem error={items.error} what="the knowledge base" denied="You have not been granted this hotel." onRetry={reload} /> : null}
        {items.status === 'ready' && visible.length === 0 ? (
          <div className="empty-state">
            <p className="empty-title">{category ? `No ${CATEGORY_LABEL[category].toLowerCase()} items` : 'The knowledge base is empty'}</p>
            <p className="muted">Without knowledge the assistant hands every question to staff. Import the hotel’s fact sheet or add items one by one.</p>
          </div>
        ) : null}
        {groups.map((g) => (
          <div key={g.category} className="kb-group">
            <h3>
              {CATEGORY_LABEL[g.category]} <span className="count">{g.items.length}</span>
            </h3>
            <ul className="kb-items">
              {g.items.map((item) => (
                <li key={item.id}>
                  <ItemCard propertyId={propertyId} item={item} canWrite={canWrite} onChanged={changed} />
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
    </>
  );
}

function ItemCard({ propertyId, item, canWrite, onChanged }: { propertyId: string; item: KnowledgeItem; canWrite: boolean; onChanged: (message: string, saved?: KnowledgeItem) => void }) {
  const api = useKnowledgeApi();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function toggle() {
    setBusy(true);
    setError(null);
    try {
      const saved = item.active ? await api.deactivate(propertyId, item.id) : await api.update(propertyId, item.id, { active: true });
      onChanged(item.active ? `Deactivated “${item.title}”.` : `Reactivated “${item.title}”.`, saved);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  if (editing) {
    return (
      <ItemForm
        propertyId={propertyId}
        item={item}
        onDone={(saved) => {
          setEditing(false);
          if (saved) onChanged(`Saved “${saved.title}”.`, saved);
        }}
      />
    );
  }
  return (
    <article className={item.active ? 'kb-item' : 'kb-item kb-item--inactive'} aria-label={item.title}>
      <div className="kb-item-head">
        <h4>{item.title}</h4>
        {!item.active ? <span className="badge badge--off">Deactivated</span> : null}
        {canWrite ? (
          <span className="kb-item-actions">
            <button type="button" className="button button--small" onClick={() => setEditing(true)}>
              Edit<span className="visually-hidden"> {item.title}</span>
            </button>
            <button type="button" className="button button--small button--quiet" disabled={busy} onClick={() => void toggle()}>
              {item.active ? 'Deactivate' : 'Reactivate'}
              <span className="visually-hidden"> {item.title}</span>
            </button>
          </span>
        ) : null}
      </div>
      <p className="kb-item-content">{item.content}</p>
      <p className="kb-item-meta">
        Updated {formatDateTime(item.updatedAt)}
        {item.author ? ` by ${item.author}` : ''}
        {item.source ? ` · from ${item.source}` : ''}
      </p>
      {error ? (
        <p className="field-error" role="alert">
          {error.detail ?? error.title}
        </p>
      ) : null}
    </article>
  );
}

function ItemForm({ propertyId, item, onDone }: { propertyId: string; item?: KnowledgeItem; onDone: (saved: KnowledgeItem | null) => void }) {
  const api = useKnowledgeApi();
  const [category, setCategory] = useState<KnowledgeCategory>(item?.category ?? 'faqs');
  const [title, setTitle] = useState(item?.title ?? '');
  const [content, setContent] = useState(item?.content ?? '');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const contentId = `kb-content-${item?.id ?? 'new'}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = item ? await api.update(propertyId, item.id, { category, title, content }) : await api.create(propertyId, { category, title, content });
      onDone(saved);
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const contentError = error?.fieldError('content');
  return (
    <form className="kb-form" noValidate onSubmit={(e) => void submit(e)} aria-label={item ? `Edit ${item.title}` : 'New knowledge item'}>
      <FormProblem error={error} lead={item ? 'Item not saved' : 'Item not added'} describePath={(p) => ({ title: 'Title', content: 'Text', category: 'Category' })[p] ?? p} />
      <div className="form-grid">
        <SelectField label="Category" value={category} options={CATEGORY_OPTIONS} onChange={setCategory} />
        <TextField label="Title" value={title} onChange={setTitle} maxLength={MAX_TITLE_CHARS} autoComplete="off" placeholder="Parking" error={error?.fieldError('title') ?? (error?.status === 409 ? error.detail : undefined)} />
      </div>
      <div className={contentError ? 'field field--invalid' : 'field'}>
        <label htmlFor={contentId}>Text</label>
        <textarea
          id={contentId}
          rows={5}
          maxLength={MAX_CONTENT_CHARS}
          value={content}
          onChange={(e) => setContent(e.target.value)}
          aria-invalid={contentError ? true : undefined}
          aria-describedby={contentError ? `${contentId}-error` : `${contentId}-hint`}
        />
        <p id={`${contentId}-hint`} className="field-hint">
          Write it as you would tell a guest: prices with currency, times with am/pm or 24-hour, conditions spelled out.
        </p>
        {contentError ? (
          <p id={`${contentId}-error`} className="field-error">
            {contentError}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : item ? 'Save item' : 'Add item'}
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
