// The first script of editor.html (a classic script in its head): asks the background for the
// editor's state before the module scripts have loaded. See entrypoints/editor/early-load.ts.
import { defineUnlistedScript } from 'wxt/utils/define-unlisted-script';
import { startEarlyLoad } from './editor/early-load';

export default defineUnlistedScript(() => startEarlyLoad());
