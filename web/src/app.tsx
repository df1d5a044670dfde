import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { ApiError, apiRequest, configureApiClient } from './api/client';
import { type Home, homeKeys } from './api/home.api';
import { queryKeys } from './api/query-keys';
import { HOME_PATH } from './auth/roles';
import { endSession, loadSession, updateSessionUser } from './auth/session';
import { FullPageSpin } from './components/page-states';
import { antdLocale, currentLanguage } from './i18n/i18n';
import { router } from './router';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // Client errors will not get better by asking again.
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failureCount < 2,
    },
  },
});

configureApiClient({
  language: currentLanguage,
  onUnauthorized: () => endSession(queryClient, 'expired'),
  onPasswordChangeRequired: () => updateSessionUser(queryClient, { mustChangePassword: true }),
  onCsrfInvalid: () => void queryClient.invalidateQueries({ queryKey: queryKeys.session }),
});

// The session is asked for as the app starts, whatever the address: it takes up the answer index.html
// preloaded (vite.config.ts), which must not be left for a later request to find
void queryClient.prefetchQuery({
  queryKey: queryKeys.session,
  queryFn: loadSession,
  staleTime: Infinity,
  retry: false,
});
// On `/` the home page's data is asked for at the same moment rather than once the page is drawn (a
// round trip less on a phone); signed out, its 401 is dropped with every other answer at the login
if (window.location.pathname === HOME_PATH)
  void queryClient.prefetchQuery({
    queryKey: homeKeys.home,
    queryFn: () => apiRequest<Home>('/api/home', { expectUnauthorized: true }),
    retry: false,
  });

const theme = {
  token: {
    colorPrimary: '#1d5fbf',
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif",
  },
};

export function App() {
  // drawn again when the language changes
  useTranslation();
  return (
    <ConfigProvider locale={antdLocale()} theme={theme}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <Suspense fallback={<FullPageSpin />}>
            <RouterProvider router={router} />
          </Suspense>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
