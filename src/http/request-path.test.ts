import { describe, expect, it } from 'vitest';
import { isCanonicalPath } from './request-path.js';

describe('isCanonicalPath', () => {
  it('accepts plain paths, encoded characters outside the unreserved set, and any query', () => {
    for (const url of [
      '/',
      '/api/teachers/12',
      '/verify/AB12CD34EF56GH',
      '/api/org-units/search?q=%E5%90%89%E6%9E%97',
      '/api/x?next=/a//b/../c%2F',
      '/teachers/%E5%BC%A0%E4%B8%89',
      '/a%20b',
      '/a%25b',
      '/assets/index-Ab_1.js',
      '/verify/..%2F..%2Fetc%2Fpasswd',
      '/verify/a%5Cb',
    ])
      expect(isCanonicalPath(url), url).toBe(true);
  });

  it('refuses every other spelling of a path', () => {
    for (const url of [
      '/%61pi/teachers',
      '/api/teacher%73',
      '/api/teacher%2D1',
      '/%2e%2e/api',
      '/api/%7Ex',
      '/api\\teachers',
      '/api//teachers',
      '//api/teachers',
      '/api/./teachers',
      '/api/../api/teachers',
      '/api/teachers/.',
      '/api/..',
      '/api/%00',
      '/api/%0a',
      '/api/%7f',
      '/api/%',
      '/api/%4',
      '/api/%zz',
      '/api/%C0%AF',
      '/api/%C1%A1',
      '/api/%E0%80%AF',
      '/api/%FF',
      '/api/%E5%90',
      'api/teachers',
      '*',
    ])
      expect(isCanonicalPath(url), url).toBe(false);
  });
});
