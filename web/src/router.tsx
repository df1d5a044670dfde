import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { CHANGE_PASSWORD_PATH, RequireAdmin, RequireAuth } from './auth/guards';
import { homePath } from './auth/roles';
import { useCurrentUser } from './auth/session';
import { AppShell } from './layout/app-shell';

// One chunk per page.
const LoginPage = lazy(() => import('./pages/auth/login.page'));
const ActivatePage = lazy(() => import('./pages/auth/activate.page'));
const ChangePasswordPage = lazy(() => import('./pages/auth/change-password.page'));
const OrgLayout = lazy(() => import('./pages/org/org-layout.page'));
const OrgIndexPage = lazy(() => import('./pages/org/org-index.page'));
const OrgUnitPage = lazy(() => import('./pages/org/org-unit.page'));
const UsersPage = lazy(() => import('./pages/users/users.page'));
const AuditLogPage = lazy(() => import('./pages/audit/audit-log.page'));
const TeachersPage = lazy(() => import('./pages/teachers/teachers.page'));
const TeacherPage = lazy(() => import('./pages/teachers/teacher.page'));
const TeacherImportPage = lazy(() => import('./pages/teachers/teacher-import.page'));
const FormerTeachersPage = lazy(() => import('./pages/teachers/former-teachers.page'));
const TeacherCorrectionsPage = lazy(() => import('./pages/teachers/teacher-corrections.page'));
const MePage = lazy(() => import('./pages/me/me.page'));
const MyTeacherPage = lazy(() => import('./pages/me/my-teacher.page'));
const NotFoundPage = lazy(() => import('./pages/not-found.page'));

function HomeRedirect() {
  const user = useCurrentUser();
  return <Navigate to={homePath(user.role)} replace />;
}

/**
 * Routes:
 *   /login            log in (public)
 *   /activate         a teacher activates their account with ID number and activation code (public)
 *   /change-password  change own password (forced first when the account requires it)
 *   /                 → /org for admins, /me/teacher for teachers, /me for trainers
 *   /org, /org/:id    org tree navigator and unit detail (admins)
 *   /teachers         teacher registry: list, /teachers/:id detail, /teachers/import roster import,
 *                     /teachers/former teachers who moved away (admins)
 *   /teacher-corrections  teachers' requests to correct their records (admins)
 *   /users            user management (admins)
 *   /audit            audit log (admins)
 *   /me               my account (everyone)
 *   /me/teacher       a teacher's own record, postings and correction requests (teachers)
 */
export const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/activate', element: <ActivatePage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <HomeRedirect /> },
          { path: CHANGE_PASSWORD_PATH, element: <ChangePasswordPage /> },
          { path: '/me', element: <MePage /> },
          { path: '/me/teacher', element: <MyTeacherPage /> },
          {
            element: <RequireAdmin />,
            children: [
              {
                path: '/org',
                element: <OrgLayout />,
                children: [
                  { index: true, element: <OrgIndexPage /> },
                  { path: ':id', element: <OrgUnitPage /> },
                ],
              },
              { path: '/teachers', element: <TeachersPage /> },
              { path: '/teachers/import', element: <TeacherImportPage /> },
              { path: '/teachers/former', element: <FormerTeachersPage /> },
              { path: '/teachers/:id', element: <TeacherPage /> },
              { path: '/teacher-corrections', element: <TeacherCorrectionsPage /> },
              { path: '/users', element: <UsersPage /> },
              { path: '/audit', element: <AuditLogPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
