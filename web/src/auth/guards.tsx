import { Navigate, Outlet, useLocation, type Location } from 'react-router';
import { ApiError } from '../api/client';
import type { Role } from '../api/types';
import { ErrorResult, FullPageSpin } from '../components/page-states';
import { isAdminRole } from './roles';
import { sessionEndReason, useCurrentUser, useSession } from './session';

export const CHANGE_PASSWORD_PATH = '/change-password';

function loginPath(location: Location): string {
  if (sessionEndReason() === 'logout') return '/login';
  const next = `${location.pathname}${location.search}`;
  if (next === '/' || next.startsWith('/login')) return '/login';
  return `/login?next=${encodeURIComponent(next)}`;
}

/** Only for logged-in users; a pending password change comes before anything else. */
export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) return <FullPageSpin />;
  if (session.isError) return <ErrorResult error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Navigate to={loginPath(location)} replace />;
  if (session.data.user.mustChangePassword && location.pathname !== CHANGE_PASSWORD_PATH) {
    return <Navigate to={CHANGE_PASSWORD_PATH} replace />;
  }
  return <Outlet />;
}

/** Pages for the four admin roles only. */
export function RequireAdmin() {
  const user = useCurrentUser();
  if (!isAdminRole(user.role)) {
    return <ErrorResult error={new ApiError(403, 'FORBIDDEN', '')} />;
  }
  return <Outlet />;
}

/** Pages for some roles only (e.g. registering credits: school and county administrators). */
export function RequireRoles({ roles }: { roles: readonly Role[] }) {
  const user = useCurrentUser();
  if (!roles.includes(user.role)) {
    return <ErrorResult error={new ApiError(403, 'FORBIDDEN', '')} />;
  }
  return <Outlet />;
}

/** Keeps `next` to paths inside this app. */
export function safeNextPath(next: string | null): string | null {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return next;
}
