import { useQuery } from '@tanstack/react-query';
import { jobsApi } from '../api/credits.api';
import { queryKeys } from '../api/query-keys';
import type { Job } from '../api/types';

const POLL_MS = 800;

export function isJobFinished(job: Pick<Job, 'status'> | undefined): boolean {
  return job?.status === 'done' || job?.status === 'failed';
}

/**
 * Follows a background job until it is done or failed, asking the server a little under once a
 * second; `null` follows nothing. The job's result is typed by the caller.
 */
export function useJob<R = unknown>(jobId: number | null) {
  return useQuery({
    queryKey: queryKeys.job(jobId ?? 0),
    queryFn: async () => (await jobsApi.get<R>(jobId!)).job,
    enabled: jobId !== null,
    refetchInterval: (query) => (isJobFinished(query.state.data) ? false : POLL_MS),
    staleTime: 0,
  });
}
