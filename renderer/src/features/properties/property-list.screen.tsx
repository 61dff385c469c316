import { SETUP_STEPS, type Property } from '@contract/properties';
import { hrefFor, navigate } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { NewFormButton, Screen, useNewForm } from '../../shared/screen';
import { useResource, type Resource } from '../../shared/use-resource';
import { useSetupProgressApi } from '../onboarding/setup-progress.api';
import { NewPropertyForm } from './new-property.form';
import { usePropertiesApi } from './properties.api';

const FORM_ID = 'new-hotel';

export function PropertyListScreen() {
  const api = usePropertiesApi();
  const [list, controls] = useResource((signal) => api.list(signal), [api]);
  const newForm = useNewForm(list, controls);
  const canCreate = useCan()('properties.create');

  return (
    <Screen
      title="Properties"
      subtitle={canCreate ? 'The hotels of your group. Open one to change its desk hours, closures and plan.' : 'The hotels you work for. Open one to see its desk hours, closures and plan.'}
      actions={
        canCreate ? (
          <NewFormButton open={newForm.open} formId={FORM_ID} onToggle={newForm.toggle}>
            New hotel
          </NewFormButton>
        ) : undefined
      }
    >
      {canCreate ? <ContinueSetup hotels={list.status === 'ready' ? list.data : []} /> : null}
      {newForm.open ? (
        <NewPropertyForm id={FORM_ID} onCreated={(property) => newForm.created(property, `Created ${property.name}. Open it to set desk hours and closures.`)} onCancel={newForm.close} />
      ) : null}
      <p className="notice" role="status">
        {newForm.notice}
      </p>
      <PropertyTable list={list} onRetry={controls.reload} canCreate={canCreate} />
    </Screen>
  );
}

/** A link back into the set-up guide while a hotel's set-up is unfinished. */
function ContinueSetup({ hotels }: { hotels: Property[] }) {
  const setup = useSetupProgressApi();
  const [progress] = useResource((signal) => setup.get(signal), [setup]);
  if (progress.status !== 'ready' || !progress.data || progress.data.step === 'Done') return null;
  const hotel = hotels.find((h) => h.id === progress.data?.propertyId);
  return (
    <p className="continue-setup">
      The set-up of {hotel ? hotel.name : 'your hotel'} stopped at step {SETUP_STEPS.indexOf(progress.data.step) + 1}, {progress.data.step}.{' '}
      <a href={hrefFor({ screen: 'welcome' })}>Continue setup</a>
    </p>
  );
}

function PropertyTable({ list, onRetry, canCreate }: { list: Resource<Property[]>; onRetry: () => void; canCreate: boolean }) {
  if (list.status === 'loading') return <p className="muted">Loading hotels…</p>;
  if (list.status === 'error') {
    return (
      <div className="alert alert--error" role="alert">
        <p className="alert-title">Could not load the hotels: {list.error.detail ?? list.error.title}</p>
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (list.data.length === 0 && !canCreate) {
    return (
      <div className="empty-state">
        <p className="empty-title">No hotels yet</p>
        <p className="muted">An administrator adds the group’s hotels; they appear here once you are granted them.</p>
      </div>
    );
  }
  if (list.data.length === 0) {
    return (
      <div className="empty-state">
        <p className="empty-title">No hotels yet — create the first one</p>
        <p className="muted">Use “New hotel” above. Each hotel gets its own database, keys, desk hours and closures.</p>
        <p className="muted">
          Or follow the <a href={hrefFor({ screen: 'welcome' })}>set-up guide</a>: hotel, hours, knowledge, channels and tunnel in one go.
        </p>
      </div>
    );
  }
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Hotels of the group</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Slug</th>
            <th scope="col">Time zone</th>
            <th scope="col">Currency</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((p) => (
            // The name is the keyboard- and screen-reader-friendly link; the row is a larger mouse target.
            <tr key={p.id} className="row-link" onClick={() => navigate({ screen: 'property', id: p.id })}>
              <th scope="row">
                <a href={hrefFor({ screen: 'property', id: p.id })} onClick={(e) => e.stopPropagation()}>
                  {p.name}
                </a>
              </th>
              <td>
                <code>{p.slug}</code>
              </td>
              <td>{p.timezone}</td>
              <td>{p.currency}</td>
              <td>
                <span className={p.active ? 'badge badge--on' : 'badge badge--off'}>{p.active ? 'Active' : 'Inactive'}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
