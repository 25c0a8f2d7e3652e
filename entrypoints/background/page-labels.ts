// The page UI's text, sent to the content script in one message: the first i18n call in a page
// is a synchronous round trip to the browser that would cost the page's load milliseconds.
import { t } from '@/utils/shared/i18n';
import { PAGE_LABEL_KEYS, type PageLabelTemplates } from '@/utils/shared/page-labels';
import { defineHandlers } from './router';

export function createPageLabels() {
  const handlers = defineHandlers({
    async getPageLabels() {
      // Placeholders come back as $1, $2…: the content script fills them in.
      const slots = ['$1', '$2', '$3', '$4'];
      return Object.fromEntries(
        PAGE_LABEL_KEYS.map((key) => [key, t(key, slots)]),
      ) as PageLabelTemplates;
    },
  });
  return { handlers };
}
