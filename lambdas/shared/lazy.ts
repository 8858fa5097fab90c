/**
 * A value made on first use and kept, except a failure: a rejected promise is forgotten, so the next call tries
 * again. `x ??= makeX()` keeps a rejection for the container's whole life: one failed first read (a secret, a
 * connection while the database restarts) would break every later invocation of a warm container.
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending) return pending;
    const attempt = make();
    pending = attempt;
    attempt.catch(() => {
      // Only this attempt is forgotten: a newer one that started meanwhile stays.
      if (pending === attempt) pending = undefined;
    });
    return attempt;
  };
}
