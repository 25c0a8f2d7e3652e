import { describeError } from '@/utils/shared/i18n';

export interface Props {
  error: unknown;
}

/** What an extension page shows when it cannot start at all: the reason, in words. */
export function FatalError({ error }: Props) {
  return (
    <p role="alert" class="error">
      {describeError(error)}
    </p>
  );
}
