import { label } from './labels';
import type { PageContext } from './page-context';
import { createProtectedHost } from './protected-host';

const LAUNCHER_CSS = `
  :host { all: initial; }
  .bar { display: flex; align-items: center; justify-content: flex-end; gap: 8px; }
  [hidden] { display: none !important; }
  button {
    display: inline-flex; align-items: center; gap: 6px;
    font: 600 13px/1.2 system-ui, sans-serif; color: #fff; background: #1d4ed8;
    border: 0; border-radius: 999px; padding: 9px 14px; cursor: pointer;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.25);
  }
  button:hover { background: #1e40af; }
  button:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  button.round { padding: 9px; }
  svg { width: 16px; height: 16px; flex: none; }
  @media (prefers-reduced-motion: no-preference) { button { transition: background 120ms; } }
`;

// Glyphs drawn inline, so no request leaves the page for them: a pencil, and a pointer on a box.
const ICON_PATH = 'M12 20h9M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z';
const PICK_ICON_PATH = 'M4 4h10v6M4 4v10h6M13 13l7 3-3 1-1 3Z';

function iconButton(page: PageContext, label: string, iconPath: string, onActivate: () => void) {
  const button = document.createElement('button');
  button.type = 'button';
  button.setAttribute('aria-label', label);
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', iconPath);
  svg.append(path);
  button.append(svg);
  // Keep the page's text selection: a click on the button must not clear it.
  page.listen(button, 'mousedown', (event) => event.preventDefault());
  page.listen(button, 'click', () => onActivate());
  return button;
}

/**
 * The small "Suggest improvement" button shown on configured sites, with "Suggest on an
 * element" beside it. Other page capabilities add their controls to its `bar`.
 */
export function mountLauncher(
  page: PageContext,
  onActivate: () => void,
  onPickElement: () => void,
) {
  const { root } = createProtectedHost(
    page,
    'launcher',
    {
      position: 'fixed',
      right: '16px',
      bottom: '16px',
      'z-index': '2147483646',
      display: 'block',
      visibility: 'visible',
      opacity: '1',
      margin: '0',
      transform: 'none',
    },
    LAUNCHER_CSS,
  );
  const bar = document.createElement('div');
  bar.className = 'bar';
  const pick = iconButton(page, label('pickElementLabel'), PICK_ICON_PATH, onPickElement);
  pick.className = 'round';
  pick.title = label('pickElementLabel');
  const button = iconButton(page, label('launcherLabel'), ICON_PATH, onActivate);
  const text = document.createElement('span');
  text.textContent = label('launcherLabel');
  button.append(text);
  bar.append(pick, button);
  root.append(bar);
  return { button, bar };
}
