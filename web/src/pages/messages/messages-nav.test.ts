import { describe, expect, test } from 'vitest';
import { ROLES } from '../../api/types';
import { navFor, pageTrail } from '../../layout/nav';

describe('消息 in the menu', () => {
  test('every role finds its messages in the menu, and the page is named in the breadcrumbs and the tab', () => {
    for (const role of ROLES) {
      const groups = navFor(role);
      expect(
        groups.some((g) => g.items.some((i) => i.key === '/messages')),
        role,
      ).toBe(true);
      const trail = pageTrail(groups, '/messages');
      expect(trail.selected, role).toBe('/messages');
      expect(trail.crumbs.at(-1)?.labelKey, role).toBe('nav.messages');
    }
  });
});
