import { type MessageKey, t } from './i18n';
import type { Suggestion } from './suggestion';

/** The word for where a suggestion stands: the owner's status once it has one, else ours. */
export function statusWord(
  suggestion: Pick<Suggestion, 'syncState' | 'remoteStatus'> & { withdrawn?: boolean },
): string {
  if (suggestion.withdrawn) return t('state_withdrawn');
  if (suggestion.syncState === 'synced' && suggestion.remoteStatus) {
    return t(`status_${suggestion.remoteStatus.replace('-', '_')}` as MessageKey);
  }
  return t(`state_${suggestion.syncState}` as MessageKey);
}
