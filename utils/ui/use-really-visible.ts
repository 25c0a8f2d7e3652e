import { useEffect, useState } from 'preact/hooks';

/** Chromium's IntersectionObserver v2: whether the browser vouches that nothing covers us. */
interface VisibilityEntry extends IntersectionObserverEntry {
  isVisible?: boolean;
}

/**
 * Whether this frame is really visible to the person: not covered, not faded, not transformed
 * by the page around it (IntersectionObserver v2, where the browser has it). A page that hides
 * Flywheel under a decoy to steal clicks then gets no Submit and no anonymity change. Where the
 * browser cannot tell (Firefox), it answers true: the frame's own CSS and the page's lack of
 * access to it are the defence there.
 */
export function useReallyVisible(): boolean {
  const [visible, setVisible] = useState(true);
  useEffect(() => {
    if (!('isVisible' in IntersectionObserverEntry.prototype)) return;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1] as VisibilityEntry | undefined;
        if (entry) setVisible(entry.isVisible === true);
      },
      // trackVisibility needs a delay of at least 100 ms.
      { trackVisibility: true, delay: 100 } as IntersectionObserverInit,
    );
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  return visible;
}
