import { formatDay } from './format';

/** "24 Dec 2026 – 27 Dec 2026" that wraps between its two dates, never inside one, so it fits a narrow column. */
export function DayRange({ from, to }: { from: string; to: string | null }) {
  return (
    <>
      <span className="nowrap">{formatDay(from)}</span>
      {to ? (
        <>
          {' '}
          – <span className="nowrap">{formatDay(to)}</span>
        </>
      ) : null}
    </>
  );
}
