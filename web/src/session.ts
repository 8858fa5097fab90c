/** The signed-in identity per role, in sessionStorage: closing the tab signs out. */
export interface Session {
  token: string;
  customerId: string;
}

const key = (role: 'customer' | 'oncall') => `holdline.session.${role}`;

export function loadSession(role: 'customer' | 'oncall'): Session | null {
  const raw = sessionStorage.getItem(key(role));
  return raw ? (JSON.parse(raw) as Session) : null;
}

export function saveSession(role: 'customer' | 'oncall', session: Session | null): void {
  if (session) sessionStorage.setItem(key(role), JSON.stringify(session));
  else sessionStorage.removeItem(key(role));
}
