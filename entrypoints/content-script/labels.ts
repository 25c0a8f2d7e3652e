import { t } from '@/utils/shared/i18n';
import { sendMessage } from '@/utils/shared/messaging';
import {
  fillTemplate,
  type PageLabelKey,
  type PageLabelTemplates,
} from '@/utils/shared/page-labels';

let templates: PageLabelTemplates | null = null;

/** Asks the background for the page UI's text once; without it, labels come from i18n. */
export async function loadPageLabels(): Promise<void> {
  try {
    templates = await sendMessage('getPageLabels', {});
  } catch {
    // The background asleep or restarting: the locale files give the same text, a little slower.
    templates = null;
  }
}

/** A UI string for the page: from the fetched templates, else from the locale files directly. */
export function label(key: PageLabelKey, substitutions?: string | string[]): string {
  const template = templates?.[key];
  return template ? fillTemplate(template, substitutions) : t(key, substitutions);
}
