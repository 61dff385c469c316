import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { ApiClient } from './api/client';
import { App } from './app/App';
import { SessionGate } from './app/session-gate';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ApiProvider client={new ApiClient('/api/v1')}>
      <SessionGate>
        <App />
      </SessionGate>
    </ApiProvider>
  </StrictMode>,
);
