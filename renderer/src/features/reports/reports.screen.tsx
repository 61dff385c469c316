import { useMemo, useState, type FormEvent } from 'react';
import { hotelOptions, useHotels } from '../../app/hotels';
import { navigate } from '../../app/router';
import { SelectField, TextField } from '../../shared/field';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { GroupReport } from './group-report';
import { HotelReport } from './hotel-report';
import { PERIOD_OPTIONS, presetPeriod, todayIn, type PresetPeriod } from './report-labels';
import type { PeriodChoice, PeriodQuery } from './reports.api';
import './reports.css';

/**
 * Reports (F2, F5): what came in, what the AI handled, what converted and what it was worth, per
 * hotel or for the group, with trends, breakdowns, drill-down, knowledge gaps and report history.
 */
export function ReportsScreen({ propertyId }: { propertyId?: string | undefined }) {
  const hotels = useHotels();
  const list = hotels.list.status === 'ready' ? hotels.list.data : [];
  // One hotel only: its report; several: the group unless one is chosen.
  const selected = propertyId ?? (list.length === 1 ? list[0]!.id : '');
  // "Yesterday" is the hotel's yesterday: its date can differ from the browser's.
  const today = todayIn(hotels.byId.get(selected)?.timezone);
  const [preset, setPreset] = useState<PresetPeriod>('7');
  // The date fields while being edited, and the dates last shown with "Show".
  const [custom, setCustom] = useState<PeriodQuery>(() => presetPeriod('7', today));
  const [chosen, setChosen] = useState<PeriodQuery | null>(null);
  const period = useMemo(() => (preset === 'custom' && chosen ? chosen : presetPeriod(preset === 'custom' ? '7' : preset, today)), [preset, chosen, today]);
  // A preset is asked for as such: the server counts each hotel's days ending on its own local today.
  const choice = useMemo<PeriodChoice>(() => (preset === 'custom' ? period : { last: preset }), [preset, period]);
  const options = useMemo(() => (list.length > 1 ? hotelOptions(hotels.list, 'All hotels (compare)') : hotelOptions(hotels.list).slice(1)), [hotels.list, list.length]);

  function choosePreset(p: PresetPeriod) {
    if (p === 'custom') {
      setCustom(period);
      setChosen(period);
    }
    setPreset(p);
  }

  function applyCustom(e: FormEvent) {
    e.preventDefault();
    if (custom.from && custom.to && custom.from <= custom.to) setChosen(custom);
  }

  return (
    <Screen title="Reports" subtitle="What came in, what the AI handled, what converted, and what it was worth.">
      <form className="panel filters report-controls" aria-labelledby="report-controls" noValidate onSubmit={applyCustom}>
        <h2 id="report-controls" className="visually-hidden">
          Hotel and period
        </h2>
        <div className="filter-grid">
          {options.length > 0 ? (
            <SelectField label="Hotel" value={selected} options={options} onChange={(id) => navigate(id ? { screen: 'reports', propertyId: id } : { screen: 'reports' })} />
          ) : null}
          <SelectField label="Period" value={preset} options={PERIOD_OPTIONS} onChange={choosePreset} />
          {preset === 'custom' ? (
            <>
              <TextField label="From" type="date" value={custom.from} max={custom.to || undefined} onChange={(from) => setCustom((c) => ({ ...c, from }))} />
              <TextField label="To" type="date" value={custom.to} min={custom.from || undefined} onChange={(to) => setCustom((c) => ({ ...c, to }))} />
            </>
          ) : null}
        </div>
        {preset === 'custom' ? (
          <div className="form-actions">
            <button type="submit" className="button button--primary" disabled={!custom.from || !custom.to || custom.from > custom.to}>
              Show
            </button>
          </div>
        ) : null}
      </form>
      {hotels.list.status === 'error' ? <LoadProblem error={hotels.list.error} what="the hotels" denied="Reports are for managers and admins." onRetry={hotels.reload} /> : null}
      {hotels.list.status === 'loading' ? <p role="status">Loading…</p> : null}
      {hotels.list.status === 'ready' && list.length === 0 ? <p className="empty-state">No hotels yet.</p> : null}
      {hotels.list.status === 'ready' && list.length > 0 ? (
        selected ? <HotelReport key={selected} propertyId={selected} period={choice} /> : <GroupReport period={choice} />
      ) : null}
    </Screen>
  );
}
