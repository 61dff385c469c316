import { useId } from 'react';
import { isValidTimeZone } from '@contract/properties';
import { TextField } from '../../shared/field';

function supportedTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

const TIME_ZONES: readonly string[] = supportedTimeZones();

/** The browser's own zone, a sensible first guess for a new hotel. */
export function localTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return isValidTimeZone(tz) ? tz : '';
}

function localTimeIn(tz: string): string | undefined {
  if (!isValidTimeZone(tz)) return undefined;
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date());
}

interface TimeZoneFieldProps {
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}

/** An IANA time zone, typed or picked from the zones the browser knows. */
export function TimeZoneField({ value, onChange, error }: TimeZoneFieldProps) {
  const listId = useId();
  const now = localTimeIn(value.trim());
  return (
    <>
      <TextField
        label="Time zone"
        value={value}
        onChange={onChange}
        list={listId}
        autoComplete="off"
        spellCheck={false}
        placeholder="Asia/Kuala_Lumpur"
        hint={now ? `IANA name. Local time there now: ${now}` : 'IANA name, for example Asia/Kuala_Lumpur'}
        error={error}
      />
      <datalist id={listId}>
        {TIME_ZONES.map((tz) => (
          <option key={tz} value={tz} />
        ))}
      </datalist>
    </>
  );
}
