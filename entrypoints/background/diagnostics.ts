// Diagnostics: what failed, in which context, for the options page and a bug report.
import type { ErrorLog } from '@/utils/background/error-log';
import { defineHandlers } from './router';

const CONTEXT_OF = { page: 'page', editor: 'editor', extension: 'extension page' } as const;

export function createDiagnostics({ log }: { log: ErrorLog }) {
  const handlers = defineHandlers({
    async reportError(data, context) {
      await log.record(CONTEXT_OF[context.kind], data.where, data.message);
      return { recorded: true };
    },
    async getDiagnostics() {
      return { errors: await log.list() };
    },
    async clearDiagnostics() {
      return { cleared: await log.clear() };
    },
  });
  return { handlers };
}
