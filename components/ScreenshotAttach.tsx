import './ScreenshotAttach.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatNumber } from '@/utils/shared/format';
import { t, uiLocale } from '@/utils/shared/i18n';
import {
  clampRect,
  contextToSend,
  type PageContext,
  type Rect,
  type ScreenshotDraft,
} from '@/utils/shared/screenshot';

export interface Props {
  /** The policy allows a screenshot: the button shows. */
  allowed: boolean;
  screenshot?: ScreenshotDraft;
  /** The page context, as the background has it; shown as it will be sent. */
  context?: PageContext;
  anonymous: boolean;
  /** A capture or save is on its way. */
  busy: boolean;
  error?: string;
  onAttach: () => void;
  onRemove: () => void;
  onMasksChange: (masks: Rect[]) => void;
}

/** The keyboard frame's steps: a tenth of the picture per arrow key. */
const STEP = 0.1;

function draw(
  canvas: HTMLCanvasElement,
  image: HTMLImageElement | null,
  masks: readonly Rect[],
  frame: Rect | null,
) {
  const context = canvas.getContext('2d');
  if (!context) return;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (image) context.drawImage(image, 0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  for (const mask of masks) context.fillRect(mask.x, mask.y, mask.width, mask.height);
  if (frame) {
    const line = Math.max(2, Math.round(canvas.width / 200));
    context.lineWidth = line;
    context.setLineDash([line * 3, line * 2]);
    context.strokeStyle = '#d00';
    context.strokeRect(frame.x, frame.y, frame.width, frame.height);
  }
}

/** The preview where the person blacks out parts: drag a rectangle, or use the keyboard. */
function Preview(props: {
  screenshot: ScreenshotDraft;
  onMasksChange: (masks: Rect[]) => void;
  disabled: boolean;
}) {
  const { screenshot } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [dragging, setDragging] = useState<{ from: [number, number]; rect: Rect } | null>(null);
  const [frame, setFrame] = useState<Rect | null>(null);

  useEffect(() => {
    const loaded = new Image();
    loaded.onload = () => setImage(loaded);
    loaded.src = screenshot.image;
  }, [screenshot.image]);

  useEffect(() => {
    if (canvas.current) {
      draw(canvas.current, image, screenshot.masks, dragging?.rect ?? frame);
    }
  }, [image, screenshot.masks, dragging, frame]);

  const size = { width: screenshot.width, height: screenshot.height };
  const addMask = (rect: Rect) => {
    const mask = clampRect(rect, size);
    if (mask && mask.width > 1 && mask.height > 1) {
      props.onMasksChange([...screenshot.masks, mask]);
    }
  };

  /** A pointer's place in the picture's pixels. */
  const at = (event: PointerEvent): [number, number] => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return [
      ((event.clientX - box.left) / box.width) * screenshot.width,
      ((event.clientY - box.top) / box.height) * screenshot.height,
    ];
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const current = frame ?? {
      x: Math.round(screenshot.width * 0.35),
      y: Math.round(screenshot.height * 0.35),
      width: Math.round(screenshot.width * 0.3),
      height: Math.round(screenshot.height * 0.3),
    };
    const dx = Math.max(1, Math.round(screenshot.width * STEP));
    const dy = Math.max(1, Math.round(screenshot.height * STEP));
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-dx, 0],
      ArrowRight: [dx, 0],
      ArrowUp: [0, -dy],
      ArrowDown: [0, dy],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      const next = event.shiftKey
        ? {
            ...current,
            width: Math.max(dx, current.width + move[0]),
            height: Math.max(dy, current.height + move[1]),
          }
        : { ...current, x: current.x + move[0], y: current.y + move[1] };
      setFrame(clampRect(next, size) ?? current);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (frame) addMask(frame);
      else setFrame(current);
    }
  };

  return (
    <figure class="screenshot">
      <canvas
        ref={canvas}
        width={screenshot.width}
        height={screenshot.height}
        role="img"
        tabIndex={props.disabled ? -1 : 0}
        aria-label={t('screenshotPreviewLabel')}
        aria-describedby="screenshot-hint"
        onFocus={() => setFrame(null)}
        onBlur={() => setFrame(null)}
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          if (props.disabled) return;
          (event.currentTarget as HTMLCanvasElement).setPointerCapture(event.pointerId);
          const from = at(event);
          setDragging({ from, rect: { x: from[0], y: from[1], width: 0, height: 0 } });
        }}
        onPointerMove={(event) => {
          if (!dragging) return;
          const [x, y] = at(event);
          const [fromX, fromY] = dragging.from;
          setDragging({
            ...dragging,
            rect: { x: fromX, y: fromY, width: x - fromX, height: y - fromY },
          });
        }}
        onPointerUp={() => {
          if (dragging) addMask(dragging.rect);
          setDragging(null);
        }}
        onPointerCancel={() => setDragging(null)}
      />
      <figcaption id="screenshot-hint" class="muted">
        {t('screenshotBlackOutHint')}
      </figcaption>
    </figure>
  );
}

/** What travels with the suggestion, in words: the person sees it before it is sent. */
function ContextFacts({ context, anonymous }: { context: PageContext; anonymous: boolean }) {
  const sent = contextToSend(context, anonymous);
  const locale = uiLocale();
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <details class="context">
      <summary>{t('contextSummary')}</summary>
      <dl class="context-facts">
        <dt>{t('contextPage')}</dt>
        <dd>{sent.url}</dd>
        {sent.title ? (
          <>
            <dt>{t('contextTitle')}</dt>
            <dd>{sent.title}</dd>
          </>
        ) : null}
        {sent.browser ? (
          <>
            <dt>{t('contextBrowser')}</dt>
            <dd>{t('contextBrowserValue', [sent.browser.name, sent.browser.version])}</dd>
          </>
        ) : null}
        {sent.viewport ? (
          <>
            <dt>{t('contextViewport')}</dt>
            <dd>
              {t('contextViewportValue', [
                formatNumber(sent.viewport.width, locale),
                formatNumber(sent.viewport.height, locale),
              ])}
            </dd>
          </>
        ) : null}
        <dt>{t('contextTime')}</dt>
        <dd>{time.format(new Date(sent.time))}</dd>
      </dl>
      <p class="muted">{anonymous ? t('contextAnonymousHint') : t('contextNamedHint')}</p>
    </details>
  );
}

/** The editor's optional screenshot, and the page context sent with every suggestion. */
export function ScreenshotAttach(props: Props) {
  const { screenshot } = props;
  return (
    <div class="attachment">
      {screenshot && props.allowed ? (
        <>
          <Preview
            screenshot={screenshot}
            disabled={props.busy}
            onMasksChange={props.onMasksChange}
          />
          {props.anonymous ? <p class="muted">{t('screenshotAnonymousHint')}</p> : null}
          <div class="row">
            <button
              type="button"
              disabled={props.busy || screenshot.masks.length === 0}
              onClick={() => props.onMasksChange(screenshot.masks.slice(0, -1))}
            >
              {t('screenshotUndoBlackOut')}
            </button>
            <button type="button" disabled={props.busy} onClick={props.onRemove}>
              {t('screenshotRemove')}
            </button>
          </div>
        </>
      ) : props.allowed ? (
        <button type="button" disabled={props.busy} onClick={props.onAttach}>
          {t('screenshotAttach')}
        </button>
      ) : null}
      <p class="error" role="alert">
        {props.error ?? ''}
      </p>
      {props.context ? <ContextFacts context={props.context} anonymous={props.anonymous} /> : null}
    </div>
  );
}
