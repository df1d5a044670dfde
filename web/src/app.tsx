import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router';
import { ApiError, configureApiClient } from './api/client';
import { queryKeys } from './api/query-keys';
import { endSession, updateSessionUser } from './auth/session';
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
