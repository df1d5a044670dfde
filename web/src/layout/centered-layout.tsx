import type { ReactNode } from 'react';
import { LanguageSwitch } from '../components/language-switch';
import { useTranslation } from 'react-i18next';

/** A single card in the middle of the screen: log in, forced password change. */
export function CenteredLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="centered-layout">
      <header className="centered-header">
        <div className="brand brand-light">
          <span className="brand-mark" aria-hidden>
            培
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <LanguageSwitch />
      </header>
      <main className="centered-main">{children}</main>
      <footer className="centered-footer">{t('app.tagline')}</footer>
    </div>
  );
}
