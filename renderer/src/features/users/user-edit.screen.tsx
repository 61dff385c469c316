import type { Role, User } from '@contract/auth';
import { hrefFor } from '../../app/router';
import { useSession } from '../../app/session-gate';
import { CheckboxField, SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { formatDateTime } from '../../shared/format';
import { LoadProblem } from '../../shared/load-problem';
import { Screen } from '../../shared/screen';
import { useEditForm } from '../../shared/use-edit-form';
import { useResource } from '../../shared/use-resource';
import { usePropertiesApi } from '../properties/properties.api';
import { describeUserPath, GrantsField, ROLE_HELP, ROLE_OPTIONS, userFieldError, type Grants } from './user-fields';
import { useUsersApi, type UserPatch } from './users.api';
import { SaveBar } from '../../shared/save-bar';

const DENIED = 'Staff accounts are managed by administrators.';

export function UserEditScreen({ id }: { id: string }) {
  const api = useUsersApi();
  const [user, { reload, set }] = useResource((signal) => api.get(id, signal), [api, id]);
  const ready = user.status === 'ready' ? user.data : undefined;

  return (
    <Screen
      title={ready ? ready.displayName : 'Edit user'}
      subtitle={ready ? ready.email : undefined}
      actions={
        <a className="button" href={hrefFor({ screen: 'users' })}>
          All users
        </a>
      }
    >
      {user.status === 'loading' ? <p className="muted">Loading the account…</p> : null}
      {user.status === 'error' && user.error.status === 404 ? (
        <div className="alert alert--error" role="alert">
          <p className="alert-title">There is no user with this address.</p>
        </div>
      ) : null}
      {user.status === 'error' && user.error.status !== 404 ? <LoadProblem error={user.error} what="the account" denied={DENIED} onRetry={reload} /> : null}
      {ready ? <UserForm key={ready.id} user={ready} onSaved={set} /> : null}
    </Screen>
  );
}

interface Draft {
  displayName: string;
  role: Role;
  grants: Grants;
  active: boolean;
  password: string;
}

const draftFrom = (u: User): Draft => ({
  displayName: u.displayName,
  role: u.role,
  grants: { allProperties: u.allProperties, propertyIds: [...u.propertyIds] },
  active: u.active,
  password: '',
});

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Only what changed: the update schema is strict and every change is audited. */
function patchFrom(u: User, d: Draft): UserPatch {
  const patch: UserPatch = {};
  if (d.displayName.trim() !== u.displayName) patch.displayName = d.displayName;
  if (d.role !== u.role) patch.role = d.role;
  if (d.role !== 'admin') {
    if (d.grants.allProperties !== u.allProperties || (d.role !== u.role && u.role === 'admin')) patch.allProperties = d.grants.allProperties;
    if (!d.grants.allProperties && !sameIds(d.grants.propertyIds, u.propertyIds)) patch.propertyIds = d.grants.propertyIds;
  }
  if (d.active !== u.active) patch.active = d.active;
  if (d.password) patch.password = d.password;
  return patch;
}

/** Changes that make the server end the person's sessions. */
const SIGNS_OUT: readonly (keyof UserPatch)[] = ['role', 'allProperties', 'propertyIds', 'active', 'password'];
const signsOut = (patch: UserPatch) => SIGNS_OUT.some((k) => k in patch);

function UserForm({ user, onSaved }: { user: User; onSaved: (u: User) => void }) {
  const api = useUsersApi();
  const { user: me } = useSession();
  const properties = usePropertiesApi();
  const [hotels] = useResource((signal) => properties.list(signal), [properties]);
  const self = me.id === user.id;
  const form = useEditForm({
    original: user,
    draftFrom,
    patchFrom,
    update: (patch) => api.update(user.id, patch),
    onSaved,
    savedNotice: (saved, patch) => (signsOut(patch) && !self ? `Saved. ${saved.displayName} was signed out everywhere and signs in again with the new access.` : 'Saved.'),
  });
  const { draft, change, patch, error, problemRef } = form;
  const fieldError = (path: string) => userFieldError(error?.errors, path);

  return (
    <form className="settings" noValidate onSubmit={(e) => void form.save(e)}>
      <div ref={problemRef} tabIndex={-1} className="problem-anchor">
        <FormProblem error={error} describePath={describeUserPath} lead="Changes not saved" />
      </div>
      <section className="panel" aria-labelledby="user-access">
        <h2 id="user-access">Access</h2>
        <div className="form-grid">
          <TextField label="Name" value={draft.displayName} onChange={(displayName) => change({ displayName })} autoComplete="off" required error={fieldError('displayName')} />
          <SelectField
            label="Role"
            value={draft.role}
            options={ROLE_OPTIONS}
            onChange={(role) => change({ role })}
            disabled={self}
            hint={self ? 'You cannot change your own role.' : ROLE_HELP[draft.role]}
            error={fieldError('role')}
          />
          <CheckboxField
            label="Active"
            checked={draft.active}
            onChange={(active) => change({ active })}
            disabled={self}
            hint={self ? 'You cannot deactivate yourself.' : 'A deactivated account cannot sign in; its sessions end at once.'}
            error={fieldError('active')}
          />
        </div>
        <GrantsField
          role={draft.role}
          value={draft.grants}
          onChange={(grants) => change({ grants })}
          hotels={hotels.status === 'ready' ? hotels.data : hotels.status === 'error' ? [] : undefined}
          error={fieldError('propertyIds') ?? fieldError('allProperties')}
        />
      </section>

      <section className="panel" aria-labelledby="user-password">
        <h2 id="user-password">Reset password</h2>
        <p className="section-help">Leave empty to keep the current password. A new password signs the person out of every session.</p>
        <TextField
          label="New password"
          type="password"
          value={draft.password}
          onChange={(password) => change({ password })}
          autoComplete="new-password"
          hint="At least 12 characters."
          error={fieldError('password')}
          className="field--medium"
        />
      </section>

      <p className="muted account-meta">
        Two-factor sign-in: {user.totpEnabled ? 'on' : 'off'} · Created {formatDateTime(user.createdAt)} · Last changed {formatDateTime(user.updatedAt)}
      </p>

      <SaveBar {...form.saveBar} unsavedHint={signsOut(patch) && !self ? ' — saving signs this person out' : ''} />
    </form>
  );
}
