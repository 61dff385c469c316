import { hrefFor } from '../../app/router';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useResource } from '../../shared/use-resource';
import { usePropertiesApi } from '../properties/properties.api';
import { AiSwitchControl } from './ai-switch.control';

/** The kill switch for the whole group and for each hotel the user can see. */
export function AiScreen() {
  const properties = usePropertiesApi();
  const [hotels, { reload }] = useResource((signal) => properties.list(signal), [properties]);

  return (
    <Screen title="AI switch" subtitle="Pause automatic replies for one hotel or every hotel. While paused, guests’ messages are still stored and shown to staff.">
      <section className="panel" aria-labelledby="ai-group">
        <h2 id="ai-group">All hotels</h2>
        <p className="section-help">A group-wide pause overrides each hotel’s own switch.</p>
        <AiSwitchControl scope={{ kind: 'group' }} name="all hotels" />
      </section>

      <section className="panel" aria-labelledby="ai-hotels">
        <h2 id="ai-hotels">Each hotel</h2>
        {hotels.status === 'loading' ? <p className="muted">Loading hotels…</p> : null}
        {hotels.status === 'error' ? <LoadProblem error={hotels.error} what="the hotels" denied="You cannot see any hotel." onRetry={reload} /> : null}
        {hotels.status === 'ready' && hotels.data.length === 0 ? <p className="muted">No hotels yet.</p> : null}
        {hotels.status === 'ready' && hotels.data.length > 0 ? (
          <ul className="ai-hotel-list">
            {hotels.data.map((h) => (
              <li key={h.id} className="ai-hotel">
                <a className="ai-hotel-name" href={hrefFor({ screen: 'property', id: h.id })}>
                  {h.name}
                </a>
                <AiSwitchControl scope={{ kind: 'property', id: h.id }} name={h.name} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </Screen>
  );
}
