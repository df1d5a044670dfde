import { Breadcrumb } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PageTrail } from './nav';

/**
 * The breadcrumbs above every page (group, menu item, sub-page) and the browser tab's title: the
 * page's name, then the product's.
 */
export function PageBreadcrumb({ trail }: { trail: PageTrail }) {
  const { t, i18n } = useTranslation();
  const labels = trail.crumbs.map((c) => t(c.labelKey));
  const page = labels[labels.length - 1];
  useEffect(() => {
    document.title = page ? `${page} - ${t('app.name')}` : t('app.name');
  }, [page, t, i18n.language]);
  return (
    <Breadcrumb
      className="page-breadcrumb"
      data-testid="breadcrumb"
      items={trail.crumbs.map((c, i) => ({
        key: `${i}`,
        title: c.to ? <Link to={c.to}>{labels[i]}</Link> : labels[i],
      }))}
    />
  );
}
