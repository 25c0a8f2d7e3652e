// @vitest-environment happy-dom
// The editor's screenshot part: the button only where the policy allows it; the preview's
// keyboard black-out; the page context shown as it will be sent.

import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { type Props, ScreenshotAttach } from '@/components/ScreenshotAttach';
import type { Rect } from '@/utils/shared/screenshot';

let container: HTMLElement;
beforeEach(() => {
  // Messages as "key:substitutions", so the assertions name what is shown.
  vi.spyOn(fakeBrowser.i18n, 'getMessage').mockImplementation(
    (key: string, substitutions?: string | string[]) =>
      substitutions === undefined ? key : `${key}:${[substitutions].flat().join('|')}`,
  );
  container = document.createElement('div');
  document.body.append(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

const context = {
  url: 'https://intranet.example/process/po',
  title: 'Purchase order',
  browser: { name: 'Chromium', version: '156' },
  viewport: { width: 1366, height: 657 },
  time: '2026-12-02T10:00:00.000Z',
};

function show(props: Partial<Props> = {}) {
  const all: Props = {
    allowed: true,
    anonymous: false,
    busy: false,
    context,
    onAttach: vi.fn(),
    onRemove: vi.fn(),
    onMasksChange: vi.fn(),
    ...props,
  };
  act(() => render(<ScreenshotAttach {...all} />, container));
  return all;
}
const buttons = () => [...container.querySelectorAll('button')].map((b) => b.textContent);

describe('ScreenshotAttach', () => {
  it('offers no button when the policy says no (the context is still shown)', () => {
    show({ allowed: false });
    expect(buttons()).not.toContain('screenshotAttach');
    expect(container.textContent).toContain('contextSummary');
  });

  it('offers Attach screenshot when allowed, and asks for it on a click', () => {
    const props = show();
    const attach = [...container.querySelectorAll('button')].find(
      (b) => b.textContent === 'screenshotAttach',
    );
    attach?.click();
    expect(props.onAttach).toHaveBeenCalledOnce();
  });

  it('blacks out a part by keyboard: Enter shows a frame, arrows move it, Enter keeps it', () => {
    const props = show({
      screenshot: { image: 'data:image/webp;base64,AAAA', width: 100, height: 50, masks: [] },
    });
    const preview = container.querySelector('[role="img"]') as HTMLCanvasElement;
    expect(preview.getAttribute('aria-label')).toBe('screenshotPreviewLabel');
    expect(preview.tabIndex).toBe(0);
    const press = (key: string, shiftKey = false) =>
      act(() => {
        preview.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true }));
      });
    press('Enter');
    press('ArrowRight');
    press('ArrowDown', true);
    press('Enter');
    const [masks] = (props.onMasksChange as ReturnType<typeof vi.fn>).mock.calls[0] as [Rect[]];
    // The frame starts at 35% x 35%, 30% of the size; one step right is 10%; Shift+Down grows it.
    expect(masks).toEqual([{ x: 45, y: 18, width: 30, height: 20 }]);
    expect(buttons()).toEqual(
      expect.arrayContaining(['screenshotUndoBlackOut', 'screenshotRemove']),
    );
    // Named: no warning about names in the picture; anonymous: one.
    expect(container.textContent).not.toContain('screenshotAnonymousHint');
    show({ ...props, anonymous: true });
    expect(container.textContent).toContain('screenshotAnonymousHint');
  });

  it('shows the context as sent: rounded for an anonymous suggestion', () => {
    show({ anonymous: true });
    expect(container.textContent).toContain('contextViewportValue:1,300|600');
    expect(container.textContent).toContain('contextBrowserValue:Chromium|156');
    show({ anonymous: false });
    expect(container.textContent).toContain('contextViewportValue:1,366|657');
  });
});
