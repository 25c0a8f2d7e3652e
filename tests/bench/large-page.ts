// A large intranet page for the page-load benchmark: navigation, a procedure wiki with
// headings and numbered steps, a request form, and big tables, well over 10,000 elements.
import { seededRandom } from '../support/seeded-random';

/** Words of intranet procedures, for generated pages. */
export const WORDS =
  'request approve manager invoice supplier budget form step finance review policy travel leave contract signature deadline team owner process portal record audit payment order centre cost amount week day submit check archive notify escalate'.split(
    ' ',
  );

export function largeIntranetPage(sections = 40): string {
  const next = seededRandom(2026);
  const word = () => WORDS[Math.floor(next() * WORDS.length)] as string;
  const words = (n: number) => Array.from({ length: n }, word).join(' ');
  const sentence = () => {
    const text = words(6 + Math.floor(next() * 12));
    return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
  };
  const html: string[] = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<title>Finance procedures: everything in one page</title>',
    '<style>body{font:14px/1.45 system-ui,sans-serif;margin:0;display:grid;grid-template-columns:220px 1fr}',
    'nav{background:#f1f5f9;padding:8px}main{padding:16px}table{border-collapse:collapse;margin:8px 0}',
    'td,th{border:1px solid #cbd5e1;padding:2px 6px}.note{background:#fef9c3;padding:4px}',
    'label{display:block;margin:4px 0}</style></head><body>',
    '<nav aria-label="Processes"><ul>',
  ];
  for (let i = 0; i < 60; i++) html.push(`<li><a href="#s${i % sections}">${words(3)}</a></li>`);
  html.push('</ul></nav><main><h1>Finance procedures</h1>');
  for (let s = 0; s < sections; s++) {
    html.push(`<section id="s${s}"><h2>${s + 1}. ${sentence()}</h2><p>${sentence()} `);
    html.push(`<a href="#s${(s + 1) % sections}">${words(2)}</a> ${sentence()}</p><ol>`);
    for (let i = 0; i < 8; i++) {
      html.push(`<li><strong>${words(2)}</strong> ${sentence()} <em>${words(3)}</em></li>`);
    }
    html.push(`</ol><h3>${sentence()}</h3><p class="note">${sentence()}</p>`);
    html.push(
      '<table><thead><tr><th>Code</th><th>Step</th><th>Owner</th><th>Days</th><th>Status</th></tr></thead><tbody>',
    );
    for (let r = 0; r < 25; r++) {
      html.push(
        `<tr><td>${s}-${r}</td><td>${sentence()}</td><td><a href="#">${words(2)}</a></td><td>${Math.floor(next() * 30)}</td><td><span>${word()}</span></td></tr>`,
      );
    }
    html.push('</tbody></table>');
    if (s % 4 === 0) {
      html.push(`<form><fieldset><legend>${sentence()}</legend>`);
      for (let f = 0; f < 6; f++) {
        html.push(`<label>${words(2)} <input name="f${s}-${f}" type="text"></label>`);
      }
      html.push(
        `<label>${words(2)} <select name="c${s}">${Array.from({ length: 8 }, () => `<option>${word()}</option>`).join('')}</select></label>`,
      );
      html.push(
        `<label>${words(2)} <textarea name="t${s}"></textarea></label><button type="submit">Send</button></fieldset></form>`,
      );
    }
    html.push('<ul>');
    for (let i = 0; i < 6; i++) html.push(`<li>${sentence()}</li>`);
    html.push('</ul></section>');
  }
  html.push('</main></body></html>');
  return html.join('\n');
}
