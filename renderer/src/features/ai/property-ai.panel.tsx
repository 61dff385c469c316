import { useResource } from '../../shared/use-resource';
import { usePropertiesApi } from '../properties/properties.api';
import { AiSwitchControl } from './ai-switch.control';

/** The kill switch on a hotel's settings screen. Renders nothing for a hotel that cannot be loaded. */
export function PropertyAiPanel({ propertyId }: { propertyId: string }) {
  const properties = usePropertiesApi();
  const [property] = useResource((signal) => properties.get(propertyId, signal), [properties, propertyId]);
  if (property.status !== 'ready') return null;
  return (
    <section className="panel panel--ai" aria-labelledby="settings-ai">
      <h2 id="settings-ai">AI replies</h2>
      <p className="section-help">
        Pause the AI if it answers wrongly or the hotel needs a human on every message. Pausing takes effect at once and is recorded in the audit log.
      </p>
      <AiSwitchControl scope={{ kind: 'property', id: property.data.id }} name={property.data.name} />
    </section>
  );
}
