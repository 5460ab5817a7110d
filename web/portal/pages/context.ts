// What every portal page needs to render its shell.
import type { Chrome, Viewer } from '../../views/layout.tsx';

export interface PageContext {
  chrome: Chrome;
  csrfToken: string;
  viewer: Viewer | null;
  now: number;
}
