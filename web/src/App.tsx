import { useEffect, useState } from 'react';
import { Login } from './Login.tsx';
import { OnCallPage } from './OnCallPage.tsx';
import { OrdersPage } from './OrdersPage.tsx';
import { loadSession, type Session, saveSession } from './session.ts';

const readRoute = (): 'orders' | 'oncall' =>
  window.location.hash.startsWith('#/oncall') ? 'oncall' : 'orders';

/** `#/oncall` is the on-call panel (its own sign-in, its own role); anything else is the customer's orders. */
function useHashRoute(): 'orders' | 'oncall' {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onChange = () => setRoute(readRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function App() {
  const route = useHashRoute();
  const role = route === 'oncall' ? 'oncall' : 'customer';
  const [session, setSession] = useState<Session | null>(() => loadSession(role));
  useEffect(() => setSession(loadSession(role)), [role]);
  const signIn = (s: Session | null) => {
    saveSession(role, s);
    setSession(s);
  };
  if (!session)
    return (
      <main>
        <h1>{role === 'oncall' ? 'Holdline on-call' : 'Holdline orders'}</h1>
        <Login role={role} defaultId={role === 'oncall' ? 'oncall-1' : 'c-42'} onSignedIn={signIn} />
        <p className="hint">
          {role === 'oncall' ? <a href="#/">Customer orders</a> : <a href="#/oncall">On-call panel</a>}
        </p>
      </main>
    );
  return role === 'oncall' ? (
    <OnCallPage key={session.customerId} session={session} onSignOut={() => signIn(null)} />
  ) : (
    <OrdersPage key={session.customerId} session={session} onSignOut={() => signIn(null)} />
  );
}
