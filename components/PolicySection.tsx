import { formatList } from '@/utils/shared/format';
import { type MessageKey, t } from '@/utils/shared/i18n';
import type { Category } from '@/utils/shared/suggestion';
import type { OrganisationPolicy } from './OptionsForm';

const categoryName = (category: Category) =>
  t(`category_${category.replaceAll('-', '_')}` as MessageKey);

export interface Props {
  policy: OrganisationPolicy;
  /** The UI's language, for the list of categories. */
  locale: string;
}

/**
 * What the organisation decided for everyone (anonymity, categories, screenshots): shown, not
 * editable. The endpoint, sign-in and sites show their lock where they are set.
 */
export function PolicySection({ policy, locale }: Props) {
  const lines: string[] = [];
  if (policy.allowAnonymous !== undefined) {
    lines.push(t(policy.allowAnonymous ? 'policyAnonymousAllowed' : 'policyAnonymousNotAllowed'));
  }
  if (policy.categories && policy.categories.length > 0) {
    const names = policy.categories.map(categoryName);
    lines.push(t('policyCategories', formatList(names, locale)));
  }
  if (policy.allowScreenshot !== undefined) {
    lines.push(
      t(policy.allowScreenshot ? 'policyScreenshotAllowed' : 'policyScreenshotNotAllowed'),
    );
  }
  if (lines.length === 0) return null;
  return (
    <section class="policy" aria-labelledby="policy-heading">
      <h2 id="policy-heading">{t('policyHeading')}</h2>
      <p class="muted">{t('policyIntro')}</p>
      <ul>
        {lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </section>
  );
}
