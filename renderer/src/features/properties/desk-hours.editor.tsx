import { useId, useState } from 'react';
import { WEEKDAYS, type Weekday } from '@contract/properties';
import { FieldErrorText } from '../../shared/field';
import { crossesMidnight, MAX_RANGES_PER_DAY, newKey, WEEKDAY_NAMES, type RangeDraft } from './property-draft';

type Hours = Record<Weekday, RangeDraft[]>;

interface DeskHoursEditorProps {
  value: Hours;
  onChange: (next: Hours) => void;
  /** The server's message for a path such as `deskHours.mon.0.open`. */
  errorFor: (path: string) => string | undefined;
}

function addHours(hhmm: string, hours: number): string {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return `${String((h + hours) % 24).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** A first guess for a new range: after the day's last range, or the usual 08:00-22:00. */
function suggestRange(existing: readonly RangeDraft[]): RangeDraft {
  const last = existing.at(-1);
  if (!last || !/^\d\d:\d\d$/.test(last.close)) return { key: newKey(), open: '08:00', close: '22:00' };
  const open = addHours(last.close, 1);
  return { key: newKey(), open, close: addHours(open, 4) };
}

/** Staffed desk hours per weekday; several ranges make a split shift. */
export function DeskHoursEditor({ value, onChange, errorFor }: DeskHoursEditorProps) {
  const uid = useId();
  const [added, setAdded] = useState<string | null>(null);

  const setDay = (day: Weekday, ranges: RangeDraft[]) => onChange({ ...value, [day]: ranges });

  return (
    <div className="desk-hours">
      {WEEKDAYS.map((day) => {
        const dayName = WEEKDAY_NAMES[day];
        const ranges = value[day];
        const dayError = errorFor(`deskHours.${day}`);
        return (
          <div key={day} className="day" role="group" aria-labelledby={`${uid}-${day}`}>
            <div className="day-name" id={`${uid}-${day}`}>
              {dayName}
            </div>
            <div className="day-ranges">
              {ranges.length === 0 ? <p className="muted day-closed">Desk closed all day</p> : null}
              {ranges.map((range, i) => {
                const path = `deskHours.${day}.${i}`;
                const label = `${dayName} range ${i + 1}`;
                const rangeError = errorFor(path);
                const update = (patch: Partial<RangeDraft>) => setDay(day, ranges.map((r) => (r.key === range.key ? { ...r, ...patch } : r)));
                return (
                  <div key={range.key} className="range">
                    <TimeInput
                      id={`${uid}-${range.key}-open`}
                      srLabel={label}
                      label="Opens"
                      value={range.open}
                      onChange={(open) => update({ open })}
                      error={errorFor(`${path}.open`)}
                      autoFocus={range.key === added}
                    />
                    <TimeInput
                      id={`${uid}-${range.key}-close`}
                      srLabel={label}
                      label="Closes"
                      value={range.close}
                      onChange={(close) => update({ close })}
                      error={errorFor(`${path}.close`)}
                    />
                    <span className="range-note">{crossesMidnight(range) ? <span className="tag">past midnight</span> : null}</span>
                    <button type="button" className="button button--quiet" onClick={() => setDay(day, ranges.filter((r) => r.key !== range.key))}>
                      Remove<span className="visually-hidden"> {label}</span>
                    </button>
                    {rangeError ? (
                      <p className="field-error range-error">
                        {label}: {rangeError}
                      </p>
                    ) : null}
                  </div>
                );
              })}
              <FieldErrorText id={`${uid}-${day}-error`} error={dayError} />
            </div>
            <div className="day-actions">
              <button
                type="button"
                className="button"
                disabled={ranges.length >= MAX_RANGES_PER_DAY}
                onClick={() => {
                  const next = suggestRange(ranges);
                  setAdded(next.key);
                  setDay(day, [...ranges, next]);
                }}
              >
                Add range<span className="visually-hidden"> to {dayName}</span>
              </button>
            </div>
          </div>
        );
      })}
    </div>
  );
}

interface TimeInputProps {
  id: string;
  /** Spoken before the visible label, so each input has a unique name. */
  srLabel: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  autoFocus?: boolean;
}

function TimeInput({ id, srLabel, label, value, onChange, error, autoFocus }: TimeInputProps) {
  return (
    <div className={error ? 'time-field field--invalid' : 'time-field'}>
      <label htmlFor={id}>
        <span className="visually-hidden">{srLabel}, </span>
        {label}
      </label>
      <input
        id={id}
        type="time"
        step={60}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autoFocus={autoFocus}
      />
      <FieldErrorText id={`${id}-error`} error={error} />
    </div>
  );
}
