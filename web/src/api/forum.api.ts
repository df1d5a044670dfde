import { apiRequest } from './client';
import type { ApiResponse } from './schema.gen';

export type TopicList = ApiResponse<'/api/classes/{id}/forum/topics', 'get'>;
export type Topic = TopicList['items'][number];
export type ForumViewer = TopicList['viewer'];
export type ForumRule = TopicList['rule'];
export type TopicDetail = ApiResponse<'/api/forum/topics/{id}', 'get'>;
export type ForumPost = TopicDetail['posts'][number];
export type PostWhyNot = NonNullable<ForumPost['whyNot']>;
export type ReportList = ApiResponse<'/api/classes/{id}/forum/reports', 'get'>;
export type ForumReport = ReportList['items'][number];
export type ReportStatus = ForumReport['status'];
export type Moderators = ApiResponse<'/api/classes/{id}/forum/moderators', 'get'>;
export type Moderator = Moderators['moderators'][number];

export const REPORT_STATUSES: readonly ReportStatus[] = ['open', 'dismissed', 'hidden'];

export const forumKeys = {
  all: ['forum'] as const,
  topics: (classId: number, page: number) => ['forum', 'topics', classId, page] as const,
  topic: (topicId: number, page: number) => ['forum', 'topic', topicId, page] as const,
  reports: (classId: number, status: ReportStatus | undefined, page: number) =>
    ['forum', 'reports', classId, status ?? null, page] as const,
  moderators: (classId: number, q: string) => ['forum', 'moderators', classId, q] as const,
};

/** The forum of an online class (班级研讨): topics, replies, moderation, reports, moderators. */
export const forumApi = {
  topics: (classId: number, page: number, pageSize = 20) =>
    apiRequest<TopicList>(`/api/classes/${classId}/forum/topics`, { query: { page, pageSize } }),
  createTopic: (classId: number, input: { title: string; body: string }) =>
    apiRequest<{ topicId: number; post: ForumPost }>(`/api/classes/${classId}/forum/topics`, {
      method: 'POST',
      body: input,
    }),
  topic: (topicId: number, page: number, pageSize = 50) =>
    apiRequest<TopicDetail>(`/api/forum/topics/${topicId}`, { query: { page, pageSize } }),
  reply: (topicId: number, body: string) =>
    apiRequest<{ post: ForumPost }>(`/api/forum/topics/${topicId}/posts`, { method: 'POST', body: { body } }),
  setFlags: (topicId: number, flags: { pinned?: boolean; locked?: boolean }) =>
    apiRequest<{ topic: Topic }>(`/api/forum/topics/${topicId}`, { method: 'PATCH', body: flags }),
  hide: (postId: number, reason: string) =>
    apiRequest<{ post: ForumPost }>(`/api/forum/posts/${postId}/hide`, { method: 'POST', body: { reason } }),
  unhide: (postId: number) => apiRequest<{ post: ForumPost }>(`/api/forum/posts/${postId}/unhide`, { method: 'POST' }),
  report: (postId: number, reason: string) =>
    apiRequest<{ reportId: number }>(`/api/forum/posts/${postId}/reports`, { method: 'POST', body: { reason } }),
  reports: (classId: number, status: ReportStatus | undefined, page: number) =>
    apiRequest<ReportList>(`/api/classes/${classId}/forum/reports`, { query: { status, page, pageSize: 20 } }),
  answer: (
    reportId: number,
    input: { decision: 'dismiss'; answer?: string | null } | { decision: 'hide'; answer: string },
  ) => apiRequest<void>(`/api/forum/reports/${reportId}/answer`, { method: 'POST', body: input }),
  moderators: (classId: number, q: string) =>
    apiRequest<Moderators>(`/api/classes/${classId}/forum/moderators`, { query: { q: q || undefined } }),
  setModerators: (classId: number, teacherIds: number[]) =>
    apiRequest<{ moderators: Moderator[] }>(`/api/classes/${classId}/forum/moderators`, {
      method: 'PUT',
      body: { teacherIds },
    }),
};
