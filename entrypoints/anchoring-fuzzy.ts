// The edited steps of anchoring (utils/anchoring/edited.ts: approx-string-match and the
// alignment), kept out of the content script for size. The background injects this file into a
// page's isolated world only when the content script found a quote there that is not on the
// page verbatim (request `loadEditedAnchoring`); it leaves the step where the content script
// looks for it, on the isolated world's globalThis, never on the page's window. It is not a
// web-accessible resource: a page can neither load it nor tell that it exists.

import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { matchEdited } from '@/utils/anchoring/edited';
import { EDITED_STEP_GLOBAL, type EditedStep } from '@/utils/anchoring/verbatim';

export default defineUnlistedScript({
  main() {
    const world = globalThis as { [EDITED_STEP_GLOBAL]?: EditedStep };
    // Injected once per document; a second copy changes nothing.
    world[EDITED_STEP_GLOBAL] ??= matchEdited;
  },
});
