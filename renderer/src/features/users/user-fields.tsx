import type { Role, User } from '@contract/auth';
import type { Property } from '@contract/properties';
import { useId } from 'react';
import { FieldErrorText } from '../../shared/field';

export const ROLE_OPTIONS: readonly { value: Role; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'manager', label: 'Manager' },
  { value: 'admin', label: 'Admin' },
];

export const ROLE_HELP: Record<Role, string> = {
  agent: 'Answers guests and works on leads in their hotels.',
  manager: 'Also edits hotel settings and knowledge, pauses the AI and reads the audit log of their hotels.',
  admin: 'Everything, including staff accounts, every hotel and the group-wide AI switch.',
};

const FIELD_NAMES: Record<string, string> = {
  email: 'Email',
  displayName: 'Name',
  password: 'Password',
  role: 'Role',
  allProperties: 'Hotels',
  propertyIds: 'Hotels',
  active: 'Active',
};

/** A readable name for a field path from the server, e.g. `propertyIds.0` is "Hotels". */
export function describeUserPath(path: string): string {
  return FIELD_NAMES[path] ?? FIELD_NAMES[path.split('.')[0] ?? ''] ?? path;
}

/** The first server message for a field, including messages about one element of it (`propertyIds.2`). */
export function userFieldError(errors: readonly { path: string; message: string }[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.path === field || e.path.startsWith(`${field}.`))?.message;
}

export function roleLabel(role: string): string {
  return ROLE_OPTIONS.find((r) => r.value === role)?.label ?? role;
}

/** "All hotels", the hotels' names, or "None". */
export function grantsText(user: Pick<User, 'role' | 'allProperties' | 'propertyIds'>, names: ReadonlyMap<string, string>): string {
  if (user.role === 'admin' || user.allProperties) return 'All hotels';
  if (user.propertyIds.length === 0) return 'None';
  return user.propertyIds.map((id) => names.get(id) ?? 'Unknown hotel').join(', ');
}

export interface Grants {
  allProperties: boolean;
  propertyIds: string[];
}

interface GrantsFieldProps {
  role: Role;
  value: Grants;
  onChange: (next: Grants) => void;
  hotels: readonly Property[] | undefined;
  error: string | undefined;
}

/** Which hotels the person may see: all (including hotels added later) or a chosen few. */
export function GrantsField({ role, value, onChange, hotels, error }: GrantsFieldProps) {
  const id = useId();
  if (role === 'admin') {
    return (
      <div className="field grants">
        <p className="field-label">Hotels</p>
        <p className="field-hint">Admins can see every hotel.</p>
      </div>
    );
  }
  const errorId = `${id}-error`;
  return (
    <fieldset className={error ? 'grants field--invalid' : 'grants'} aria-describedby={error ? errorId : undefined}>
      <legend>Hotels</legend>
      <div className="radio-row">
        <input id={`${id}-all`} type="radio" name={`${id}-scope`} checked={value.allProperties} onChange={() => onChange({ ...value, allProperties: true })} />
        <label htmlFor={`${id}-all`}>All hotels, including ones added later</label>
      </div>
      <div className="radio-row">
        <input id={`${id}-some`} type="radio" name={`${id}-scope`} checked={!value.allProperties} onChange={() => onChange({ ...value, allProperties: false })} />
        <label htmlFor={`${id}-some`}>Only the hotels ticked below</label>
      </div>
      {hotels === undefined ? <p className="muted">Loading hotels…</p> : null}
      {hotels?.length === 0 ? <p className="field-hint">No hotels yet. Create one under Properties, then grant it here.</p> : null}
      {hotels && hotels.length > 0 ? (
        <ul className="grant-list" aria-label="Hotels to grant">
          {hotels.map((h) => {
            const boxId = `${id}-${h.id}`;
            const checked = value.propertyIds.includes(h.id);
            return (
              <li key={h.id} className="checkbox-row">
                <input
                  id={boxId}
                  type="checkbox"
                  checked={checked}
                  disabled={value.allProperties}
                  onChange={(e) =>
                    onChange({ ...value, propertyIds: e.target.checked ? [...value.propertyIds, h.id] : value.propertyIds.filter((p) => p !== h.id) })
                  }
                />
                <label htmlFor={boxId}>{h.name}</label>
              </li>
            );
          })}
        </ul>
      ) : null}
      <FieldErrorText id={errorId} error={error} />
    </fieldset>
  );
}
