import type { Role, User } from '@contract/auth';
import type { Property } from '@contract/properties';
import { useEffect, useRef, useState } from 'react';
import { SelectField, TextField } from '../../shared/field';
import { FormProblem } from '../../shared/form-problem';
import { useSubmit } from '../../shared/use-submit';
import { describeUserPath, GrantsField, ROLE_HELP, ROLE_OPTIONS, userFieldError, type Grants } from './user-fields';
import { useUsersApi } from './users.api';

interface NewUserFormProps {
  id: string;
  hotels: readonly Property[] | undefined;
  onCreated: (user: User) => void;
  onCancel: () => void;
}

export function NewUserForm({ id, hotels, onCreated, onCancel }: NewUserFormProps) {
  const api = useUsersApi();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [grants, setGrants] = useState<Grants>({ allProperties: false, propertyIds: [] });
  const { error, busy, submit } = useSubmit(onCreated);
  const problemRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (error) problemRef.current?.focus();
  }, [error]);

  // A taken email comes back as 409 without field errors; it still belongs next to the email.
  const fieldError = (path: string) => userFieldError(error?.errors, path) ?? (path === 'email' && error?.status === 409 ? error.detail : undefined);

  const create = () =>
    api.create({
      email: email.trim(),
      displayName,
      password,
      role,
      allProperties: role === 'admin' || grants.allProperties,
      propertyIds: role === 'admin' || grants.allProperties ? [] : grants.propertyIds,
    });

  return (
    <section className="panel" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>New user</h2>
      <form noValidate onSubmit={(e) => void submit(e, create)}>
        <div ref={problemRef} tabIndex={-1} className="problem-anchor">
          <FormProblem error={error} describePath={describeUserPath} lead="Could not create the user" />
        </div>
        <div className="form-grid">
          <TextField label="Email" type="email" value={email} onChange={setEmail} autoComplete="off" spellCheck={false} required error={fieldError('email')} />
          <TextField label="Name" value={displayName} onChange={setDisplayName} autoComplete="off" required hint="As colleagues will see it." error={fieldError('displayName')} />
          <TextField
            label="Password"
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            required
            hint="At least 12 characters. Hand it over privately; they can change it under Account."
            error={fieldError('password')}
          />
          <SelectField label="Role" value={role} options={ROLE_OPTIONS} onChange={setRole} hint={ROLE_HELP[role]} error={fieldError('role')} />
        </div>
        <GrantsField role={role} value={grants} onChange={setGrants} hotels={hotels} error={fieldError('propertyIds') ?? fieldError('allProperties')} />
        <div className="form-actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
