import { createCreditCertificateRepository } from '../repositories/credit-certificate.repository.js';
import type { RequestContext, ServiceDeps } from './context.js';
import type { createCourseService } from './course.service.js';
import { requireRegistryRole } from './registry-access.js';
import type { createTeacherService } from './teacher.service.js';
import type { createTrainingService } from './training.service.js';

/** How many of each kind the header's search shows. */
export const SEARCH_LIMIT = 5;

interface Collaborators {
  teachers: ReturnType<typeof createTeacherService>;
  training: ReturnType<typeof createTrainingService>;
  courses: ReturnType<typeof createCourseService>;
}

/**
 * The administrators' search in the page header: a few teachers, projects, courses and certificates of
 * the actor's subtree by name or number. Each kind goes through the use case of its own list, so the
 * scope, the masking and the audited, limited search by full ID number or phone are the same as there.
 */
export function createSearchService(deps: ServiceDeps, c: Collaborators) {
  const { db } = deps;
  const certificates = createCreditCertificateRepository(db);

  return {
    async search(ctx: RequestContext, q: string) {
      const actor = await requireRegistryRole(db, ctx, 'search.global');
      const page = { limit: SEARCH_LIMIT, offset: 0 };
      // the teacher search first: a refused identifier search refuses the whole search
      const teachers = await c.teachers.list(ctx, { q }, { page: 1, pageSize: SEARCH_LIMIT });
      const [projects, courses, certs] = await Promise.all([
        c.training.list(ctx, { q, ...page }),
        c.courses.list(ctx, { q, status: 'active' }, page),
        certificates.under(actor.orgPath, undefined, { limit: SEARCH_LIMIT + 1, offset: 0 }, q),
      ]);
      return {
        teachers: { items: teachers.items, more: teachers.total > SEARCH_LIMIT },
        projects: { items: projects.items, more: projects.total > SEARCH_LIMIT },
        courses: { items: courses.items, more: courses.total > SEARCH_LIMIT },
        certificates: { items: certs.slice(0, SEARCH_LIMIT), more: certs.length > SEARCH_LIMIT },
      };
    },
  };
}
