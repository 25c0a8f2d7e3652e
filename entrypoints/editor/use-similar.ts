// Similar suggestions while writing: the site's suggestions are fetched once after the editor's
// first paint and ranked here, in the extension frame, at each change of the text.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SimilarItem } from '@/components/SimilarSuggestions';
import { describeError } from '@/utils/shared/i18n';
import { type SimilarEntry, sendMessage } from '@/utils/shared/messaging';
import { createSimilarIndex, type SimilarIndex, type SimilarMatch } from '@/utils/ui/similar';

export interface SimilarState {
  items: SimilarItem[];
  /** Call with the text at each change. */
  rank: (text: string) => void;
  onSupport: (id: string) => void;
  /** Why a support could not be given, in words; empty when it could. */
  error: string;
}

export function useSimilar(
  capability: string,
  draft: { id: string; pageUrl: string; quote: string; text: string },
): SimilarState {
  const entries = useRef(new Map<string, SimilarEntry>());
  const index = useRef<SimilarIndex | null>(null);
  const lastText = useRef(draft.text);
  const [matches, setMatches] = useState<SimilarMatch[]>([]);
  // Changes whenever an entry's support changes, so the list is drawn again.
  const [revision, setRevision] = useState(0);
  const [error, setError] = useState('');
  const asked = useRef(0);

  const rank = (text: string) => {
    lastText.current = text;
    const built = index.current;
    if (!built) return;
    setMatches(
      built.similarTo(text, {
        pageUrl: draft.pageUrl,
        quote: draft.quote,
        excludeIds: [draft.id],
      }),
    );
  };

  useEffect(() => {
    let cancelled = false;
    // After the first paint: the editor is usable before the site's suggestions arrive.
    const timer = setTimeout(() => {
      sendMessage('loadSimilar', { capability }).then(
        ({ candidates }) => {
          if (cancelled) return;
          entries.current = new Map(candidates.map((c) => [c.id, c]));
          index.current = createSimilarIndex(candidates);
          rank(lastText.current);
        },
        // Nothing to offer is no reason to stop a person writing: the list just stays empty.
        () => undefined,
      );
    }, 0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // Once per editor: the capability and draft do not change while it is open.
  }, []);

  const items = useMemo(
    () =>
      matches.flatMap((match): SimilarItem[] => {
        const entry = entries.current.get(match.id);
        if (!entry) return [];
        return [
          {
            id: entry.id,
            text: entry.text,
            supportCount: entry.supportCount,
            supported: entry.supported,
            samePage: match.samePage,
            own: entry.own,
          },
        ];
      }),
    // `revision` stands for the entries' support, which lives in a ref.
    [matches, revision],
  );

  const setEntry = (id: string, change: Partial<SimilarEntry>) => {
    const entry = entries.current.get(id);
    if (!entry) return;
    entries.current.set(id, { ...entry, ...change });
    setRevision((r) => r + 1);
  };

  const onSupport = (id: string) => {
    const entry = entries.current.get(id);
    if (!entry || entry.own) return;
    const support = !entry.supported;
    const ask = ++asked.current;
    setError('');
    // At once: the count and the pressed state follow the press; the background confirms.
    setEntry(id, {
      supported: support,
      supportCount: Math.max(0, entry.supportCount + (support ? 1 : -1)),
    });
    sendMessage('supportSuggestion', { capability, id, support }).then(
      (result) => {
        if (ask === asked.current) {
          setEntry(id, { supported: result.supported, supportCount: result.voteCount });
        }
      },
      (failure) => {
        if (ask === asked.current) {
          setEntry(id, { supported: entry.supported, supportCount: entry.supportCount });
        }
        setError(describeError(failure));
      },
    );
  };

  return { items, rank, onSupport, error };
}
