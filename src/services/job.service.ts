import { AppError } from '../errors/app-error.js';
import { createJobRepository, type JobRow } from '../repositories/job.repository.js';
import type { RequestContext, ServiceDeps } from './context.js';
import { requireAdminAction } from './registry-access.js';

/** Background jobs as their users follow them: progress bars and results. */
export function createJobService(deps: ServiceDeps) {
  const { db } = deps;
  const jobs = createJobRepository(db);
  return {
    /** A job of the actor's subtree (its unit's administrators see it, like its creator). */
    async get(ctx: RequestContext, id: number): Promise<JobRow> {
      const job = await jobs.get(id);
      if (!job) throw new AppError('NOT_FOUND');
      await requireAdminAction(db, ctx, 'job.read', 'org.read', { path: job.orgPath, type: 'job', id });
      return job;
    },
  };
}
