/** The page shell: head (theme applied before paint), navigation, the live `<main>`. */
import { h, trusted, type Markup } from './html.ts';

export interface Shell {
  readonly title: string;
  readonly viewerName: string;
  /** Projects the viewer may see, and the one shown. */
  readonly projects: readonly string[];
  readonly project: string | null;
  readonly tab: 'board' | 'queue' | 'charts' | 'task';
  readonly body: Markup;
  /** Extra tags for the head (the chart library on the charts page). */
  readonly head?: Markup;
}

/** Applies Telegram's theme (kept by the bootstrap page) before the first paint. */
const THEME_SCRIPT = `(function(){try{var t=JSON.parse(localStorage.getItem('conveyor-theme')||'null');var d=document.documentElement;if(t){var map={bg_color:'--bg',text_color:'--text',hint_color:'--hint',link_color:'--link',button_color:'--button',button_text_color:'--button-text',secondary_bg_color:'--bg2'};for(var k in map){if(t[k])d.style.setProperty(map[k],t[k]);}}var bg=(t&&t.bg_color)||'';var m=/^#([0-9a-f]{6})$/i.exec(bg);var dark=m?(function(n){return (0.299*(n>>16&255)+0.587*(n>>8&255)+0.114*(n&255))<128})(parseInt(m[1],16)):window.matchMedia('(prefers-color-scheme: dark)').matches;d.dataset.theme=dark?'dark':'light';}catch(e){}})();`;

/** The whole page, or only `<main>`'s content for a live refresh. */
export function page(shell: Shell, partial: boolean): string {
  if (partial) return shell.body.text;
  const q = (project: string) => `?project=${encodeURIComponent(project)}`;
  const current = shell.project ?? shell.projects[0] ?? '';
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${shell.title} · Conveyor</title>
<script>${trusted(THEME_SCRIPT)}</script>
<link rel="stylesheet" href="/app/assets/dashboard.css">${shell.head ?? ''}
<script defer src="/app/assets/dashboard.js"></script>
</head><body>
<header><nav>
${shell.projects.length > 1 ? shell.projects.map((p) => h`<a class="project${p === current ? ' on' : ''}" href="/app/${shell.tab === 'task' ? 'board' : shell.tab}${q(p)}">${p}</a>`) : ''}
<a class="tab${shell.tab === 'board' ? ' on' : ''}" href="/app/board${q(current)}">Board</a>
<a class="tab${shell.tab === 'queue' ? ' on' : ''}" href="/app/queue">Queue</a>
<a class="tab${shell.tab === 'charts' ? ' on' : ''}" href="/app/charts${q(current)}">Charts</a>
<span class="who">${shell.viewerName}</span>
</nav></header>
<p id="action-result" role="status"></p>
<main id="live" data-live="1">${shell.body}</main>
</body></html>`.text;
}
