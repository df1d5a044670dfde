import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { authApi } from '../api/auth.api';
import { endSession } from './session';

/** Logs out on the server and forgets the session here; the guard then shows /login. */
export function useLogout(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // the session is dropped locally either way
    }
    endSession(queryClient, 'logout');
  }, [queryClient]);
}
