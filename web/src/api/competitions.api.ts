import { apiDownload, apiRequest, apiUpload } from './client';
import type { ApiBody, ApiResponse } from './schema.gen';

export type Competition = ApiResponse<'/api/competitions/{id}', 'get'>['competition'];
export type CompetitionDetail = ApiResponse<'/api/competitions/{id}', 'get'>;
export type Round = CompetitionDetail['rounds'][number];
export type RoundEntries = ApiResponse<'/api/competitions/rounds/{id}/entries', 'get'>;
export type Entry = RoundEntries['entries'][number];
export type CompetitionInput = ApiBody<'/api/competitions', 'post'>;
export type EntryInput = ApiBody<'/api/competitions/rounds/{id}/entries', 'post'>;
export type JudgeQueue = ApiResponse<'/api/judging/queue', 'get'>;
export type QueueItem = JudgeQueue['items'][number];
export type JudgeEntry = ApiResponse<'/api/judging/entries/{id}', 'get'>;
export type PanelReview = ApiResponse<'/api/judging/panels/{id}', 'get'>;

/** Competitions (评比, R-42): set-up, entries, panels, aggregation, advancement, awards. */
export const competitionsApi = {
  list: (query: { page?: number; pageSize?: number }) =>
    apiRequest<{ items: Competition[]; total: number }>('/api/competitions', { query }),
  get: (id: number) => apiRequest<CompetitionDetail>(`/api/competitions/${id}`),
  create: (input: CompetitionInput) =>
    apiRequest<{ competition: Competition }>('/api/competitions', { method: 'POST', body: input }),
  entries: (roundId: number) => apiRequest<RoundEntries>(`/api/competitions/rounds/${roundId}/entries`),
  submit: (roundId: number, input: EntryInput) =>
    apiRequest<{ entryId: number; entryRoundId: number }>(`/api/competitions/rounds/${roundId}/entries`, {
      method: 'POST',
      body: input,
    }),
  upload: (entryId: number, file: File) => apiUpload(`/api/competitions/entries/${entryId}/files`, file),
  withdraw: (entryId: number) =>
    apiRequest<{ ok: boolean }>(`/api/competitions/entries/${entryId}/withdraw`, { method: 'POST', body: {} }),
  panel: (roundId: number, body: { name: string; leadUserId: number; judgeUserIds: number[] }) =>
    apiRequest<{ panelId: number }>(`/api/competitions/rounds/${roundId}/panels`, { method: 'POST', body }),
  assign: (roundId: number, panelId: number) =>
    apiRequest<{ assigned: number }>(`/api/competitions/rounds/${roundId}/assign`, {
      method: 'POST',
      body: { panelId },
    }),
  step: (roundId: number, step: 'start-judging' | 'aggregate' | 'advance') =>
    apiRequest<unknown>(`/api/competitions/rounds/${roundId}/${step}`, { method: 'POST', body: {} }),
  publish: (roundId: number, body: { startsOn: string; endsOn: string; organisationUnitIds?: number[] }) =>
    apiRequest<{ publicityId: number; awards: number }>(`/api/competitions/rounds/${roundId}/publish-awards`, {
      method: 'POST',
      body,
    }),
  honours: (roundId: number) =>
    apiRequest<{ items: { awardId: number; id: number; recipientName: string; code: string }[] }>(
      `/api/competitions/rounds/${roundId}/honours`,
    ),
  resultsXlsx: (roundId: number) => apiDownload(`/api/competitions/rounds/${roundId}/results.xlsx`),
  certificate: (honourId: number) => apiDownload(`/api/competitions/honours/${honourId}/certificate.pdf`),
};

/** A judge's work (评委). */
export const judgingApi = {
  queue: (query: { page?: number; pageSize?: number }) => apiRequest<JudgeQueue>('/api/judging/queue', { query }),
  entry: (id: number) => apiRequest<JudgeEntry>(`/api/judging/entries/${id}`),
  file: (id: number, n: number) => apiDownload(`/api/judging/entries/${id}/files/${n}`),
  score: (id: number, body: { items: Record<string, number>; comment?: string | null; submit: boolean }) =>
    apiRequest<{ status: string; total: number | null }>(`/api/judging/entries/${id}/score`, { method: 'PUT', body }),
  recuse: (id: number, reason: string) =>
    apiRequest<{ status: 'recused' }>(`/api/judging/entries/${id}/recuse`, { method: 'POST', body: { reason } }),
  panel: (id: number) => apiRequest<PanelReview>(`/api/judging/panels/${id}`),
  rescore: (id: number, body: { entryRoundId: number; seats: number[] }) =>
    apiRequest<{ requested: number }>(`/api/judging/panels/${id}/rescore`, { method: 'POST', body }),
};

export const competitionKeys = {
  all: ['competitions'] as const,
  list: (page: number) => ['competitions', 'list', page] as const,
  detail: (id: number) => ['competitions', 'detail', id] as const,
  entries: (roundId: number) => ['competitions', 'entries', roundId] as const,
  queue: (page: number) => ['judging', 'queue', page] as const,
  judgeEntry: (id: number) => ['judging', 'entry', id] as const,
  panel: (id: number) => ['judging', 'panel', id] as const,
};
