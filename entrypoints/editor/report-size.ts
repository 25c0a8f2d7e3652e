/**
 * Tells the page's Flywheel script how tall the editor's content is, so its frame fits it (and
 * shrinks once a suggestion is sent). The script hands over a port of a channel of its own when
 * the frame has loaded; heights go only through it, so the page's own scripts, which cannot
 * reach this frame, neither hear them nor can they fake one.
 */
export function reportSize(): void {
  let port: MessagePort | undefined;
  let height = 0;
  const send = () => port?.postMessage(height);
  window.addEventListener('message', (event) => {
    // The first port from the page that frames us: our own content script is the only one
    // that can post to this frame (it sits in a closed shadow root).
    if (port || event.source !== window.parent || !event.ports[0]) return;
    port = event.ports[0];
    send();
  });
  new ResizeObserver(() => {
    height = Math.ceil(document.body.getBoundingClientRect().height);
    send();
  }).observe(document.body);
}
