import { useQuery, type QueryClient } from '@tanstack/react-query';
import { authApi } from '../api/auth.api';
import { ApiError, setCsrfToken } from '../api/client';
import { queryKeys } from '../api/query-keys';
import type { Me, SessionResponse } from '../api/types';

export type Session = SessionResponse | null;

/** Why the last session ended; the login page words its greeting after it. */
export type SessionEndReason = 'logout' | 'expired' | null;
let lastEndReason: SessionEndReason = null;

export function sessionEndReason(): SessionEndReason {
  return lastEndReason;
}

/** Asks the server who is logged in; a 401 simply means nobody. */
export async function loadSession(): Promise<Session> {
  try {
    const session = await authApi.me();
    setCsrfToken(session.csrfToken);
    return session;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: loadSession,
    staleTime: Infinity,
    retry: false,
  });
}

/** The logged-in user; only for components rendered behind the auth guard. */
export function useCurrentUser(): Me {
  const { data } = useSession();
  if (!data) throw new Error('useCurrentUser outside an authenticated route');
  return data.user;
}

export function startSession(queryClient: QueryClient, session: SessionResponse): void {
  lastEndReason = null;
  setCsrfToken(session.csrfToken);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
  queryClient.setQueryData<Session>(queryKeys.session, session);
}

/** Forgets the session and every cached answer that belonged to it. */
export function endSession(queryClient: QueryClient, reason: Exclude<SessionEndReason, null>): void {
  lastEndReason = reason;
  setCsrfToken(null);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
  queryClient.setQueryData<Session>(queryKeys.session, null);
}

export function updateSessionUser(queryClient: QueryClient, patch: Partial<Me>): void {
  queryClient.setQueryData<Session>(queryKeys.session, (session) =>
    session ? { ...session, user: { ...session.user, ...patch } } : session,
  );
}
