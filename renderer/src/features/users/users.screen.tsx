import type { User } from '@contract/auth';
import type { Property } from '@contract/properties';
import { useMemo } from 'react';
import { hrefFor } from '../../app/router';
import { useCan } from '../../app/session-gate';
import { LoadProblem } from '../../shared/load-problem';
import { NewFormButton, Screen, useNewForm } from '../../shared/screen';
import { useResource } from '../../shared/use-resource';
import { usePropertiesApi } from '../properties/properties.api';
import { NewUserForm } from './new-user.form';
import { grantsText, roleLabel } from './user-fields';
import { useUsersApi } from './users.api';

const FORM_ID = 'new-user';
const DENIED = 'Staff accounts are managed by administrators. Ask one if your role or hotels need to change.';

export function UsersScreen() {
  const api = useUsersApi();
  const can = useCan();
  const [users, controls] = useResource((signal) => api.list(signal), [api]);
  const newForm = useNewForm(users, controls);
  const canWrite = can('users.write') && users.status === 'ready';

  return (
    <Screen
      title="Users"
      subtitle="Staff accounts, their roles and the hotels each person can see."
      actions={
        canWrite ? (
          <NewFormButton open={newForm.open} formId={FORM_ID} onToggle={newForm.toggle}>
            New user
          </NewFormButton>
        ) : undefined
      }
    >
      {users.status === 'loading' ? <p className="muted">Loading users…</p> : null}
      {users.status === 'error' ? <LoadProblem error={users.error} what="the users" denied={DENIED} onRetry={controls.reload} /> : null}
      {users.status === 'ready' ? (
        <UsersBody
          users={users.data}
          formOpen={newForm.open}
          onCreated={(user) => newForm.created(user, `Created an account for ${user.displayName}. They can sign in now.`)}
          onCancel={newForm.close}
          notice={newForm.notice}
        />
      ) : null}
    </Screen>
  );
}

interface UsersBodyProps {
  users: readonly User[];
  formOpen: boolean;
  notice: string;
  onCreated: (user: User) => void;
  onCancel: () => void;
}

function UsersBody({ users, formOpen, notice, onCreated, onCancel }: UsersBodyProps) {
  const properties = usePropertiesApi();
  const [hotels] = useResource((signal) => properties.list(signal), [properties]);
  const hotelList: readonly Property[] | undefined = hotels.status === 'ready' ? hotels.data : undefined;
  const names = useMemo(() => new Map((hotelList ?? []).map((h) => [h.id, h.name])), [hotelList]);
  const sorted = useMemo(() => [...users].sort((a, b) => a.displayName.localeCompare(b.displayName)), [users]);

  return (
    <>
      {formOpen ? <NewUserForm id={FORM_ID} hotels={hotelList} onCreated={onCreated} onCancel={onCancel} /> : null}
      <p className="notice" role="status">
        {notice}
      </p>
      {hotels.status === 'error' ? <p className="muted">Hotel names could not be loaded; the Hotels column may be incomplete.</p> : null}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Staff accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Hotels</th>
              <th scope="col">Status</th>
              <th scope="col">Two-factor</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((u) => (
              <tr key={u.id}>
                <th scope="row">
                  <a href={hrefFor({ screen: 'user', id: u.id })}>{u.displayName}</a>
                </th>
                <td className="cell-wrap">{u.email}</td>
                <td>{roleLabel(u.role)}</td>
                <td className="cell-wrap">{grantsText(u, names)}</td>
                <td>
                  <span className={u.active ? 'badge badge--on' : 'badge badge--off'}>{u.active ? 'Active' : 'Deactivated'}</span>
                </td>
                <td>{u.totpEnabled ? 'On' : 'Off'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
