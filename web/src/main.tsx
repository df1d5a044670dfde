import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { languageReady } from './i18n/i18n';
import './styles.css';
import { App } from './app';

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

// at once in Chinese; in English once its words have arrived
void languageReady.then(() =>
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
