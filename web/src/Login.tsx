import { type FormEvent, useId, useState } from 'react';
import { devLogin } from './api.ts';
import type { Session } from './session.ts';

/** LOCAL DEV LOGIN: the local cloud signs a token for any id you type. In AWS, sign-in is Cognito's. */
export function Login(props: {
  role: 'customer' | 'oncall';
  defaultId: string;
  onSignedIn: (session: Session) => void;
}) {
  const inputId = useId();
  const [customerId, setCustomerId] = useState(props.defaultId);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token } = await devLogin(customerId.trim(), props.role);
      props.onSignedIn({ token, customerId: customerId.trim() });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>{props.role === 'oncall' ? 'On-call sign-in' : 'Sign in'}</h2>
      <p className="hint">Local development sign-in: the local cloud signs a token for the id you enter.</p>
      <label htmlFor={inputId}>{props.role === 'oncall' ? 'Engineer id' : 'Customer id'}</label>
      <input
        id={inputId}
        name="customerId"
        value={customerId}
        onChange={(e) => setCustomerId(e.target.value)}
        required
        maxLength={128}
        autoComplete="username"
      />
      <button type="submit" disabled={busy || customerId.trim() === ''}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
