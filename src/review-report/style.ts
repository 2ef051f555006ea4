// The page's only style and script, inlined: the report must read offline, from a file.

export const CSS = `
:root{--fg:#1d232b;--muted:#5b6573;--line:#d5dbe3;--bg:#fff;--soft:#f5f7fa;--primary:#1f4e8c;--cand:#2e7d32;--cand-bg:#e6f4e8;--ex:#8a94a3;--ex-bg:#f1f3f6;--warn:#b26a00;--err:#c62828;--moved:#fff3bf}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1240px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}
h2{font-size:1.25rem;margin:0 0 .3em}
h3{font-size:1rem;margin:1em 0 .4em}
code{font:13px/1.3 "DejaVu Sans Mono",ui-monospace,monospace;overflow-wrap:anywhere}
a{color:#1a5fb4}
.meta,.desc,.none{color:var(--muted);margin:.2em 0}
.scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;padding:0;margin:.8em 0;font-size:13px}
.legend li{display:flex;align-items:center;gap:6px}
section{margin:18px 0;padding:14px 16px;border:1px solid var(--line);border-radius:10px}
section.cluster{content-visibility:auto;contain-intrinsic-size:auto 640px}
section.changed{border-color:var(--warn);box-shadow:inset 4px 0 0 var(--warn)}
table{border-collapse:collapse;font-size:14px}
th,td{border-bottom:1px solid var(--line);padding:5px 10px;text-align:left;vertical-align:top;white-space:nowrap}
tr:first-child th{background:var(--soft);font-weight:600}
#toc tr.changed th[scope=row]::before{content:"● ";color:var(--warn)}
.n1 .succ{display:block;font-weight:600}
.n1 .succ.idle{font-weight:400;color:var(--muted)}
.n1 .succ.lost{color:var(--err)}
.stall{display:block;color:var(--muted);font-size:12.5px;font-weight:400}
.n1 tr.worst th[scope=row]{box-shadow:inset 3px 0 0 var(--err)}
td.moved{background:var(--moved)}
del{color:var(--err)}
ins{color:var(--cand);text-decoration:none;font-weight:700}
.worst-line{margin:.5em 0}
.tree-box{background:var(--soft);border-radius:8px;padding:4px}
svg.tree{display:block}
.edges path{fill:none;stroke:#7d8794;stroke-width:1.6}
.host rect{stroke-width:1.6}
.host text{font-family:"DejaVu Sans",system-ui,sans-serif;fill:var(--fg)}
.host .k{font-size:13px;font-weight:700}
.host .d,.host .s{font-size:12px}
.host.primary rect{fill:var(--primary);stroke:#143663}
.host.primary text{fill:#fff}
.host.candidate rect{fill:var(--cand-bg);stroke:var(--cand)}
.host.excluded rect{fill:var(--ex-bg);stroke:var(--ex)}
.host.excluded .s{fill:var(--muted)}
.host.undeclared rect{stroke-dasharray:5 3}
.host.absent rect{stroke-dasharray:2 3;stroke:var(--err)}
.host.set-changed rect{stroke:var(--warn);stroke-width:3}
.host.set-changed .s{fill:var(--warn)}
.host.primary.set-changed .s{fill:#ffd58a}
.host.cand-added rect{stroke:var(--cand);stroke-width:4}
.host.cand-removed rect{stroke:var(--err);stroke-width:4}
.host.cand-removed .s{fill:var(--err)}
.acker circle{fill:#6a3d9a;stroke:#fff;stroke-width:1.5}
.acker text{fill:#fff;font:700 12px "DejaVu Sans",sans-serif}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;color:#fff;background:var(--warn);vertical-align:middle}
.badge.added{background:var(--cand)}
.badge.removed{background:var(--err)}
.change{background:#fff8e6;border-radius:8px;padding:6px 12px;margin:.6em 0}
.findings{list-style:none;padding:0;margin:.3em 0}
.finding{padding:6px 0;border-top:1px solid var(--line);overflow-wrap:anywhere}
.finding .hint{color:var(--muted);font-size:13px}
.finding.resolved>div{text-decoration:line-through;color:var(--muted)}
.sev,.count{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;font-weight:700;color:#fff;background:var(--ex)}
.error>.sev,.sev.error,.count.error{background:var(--err)}
.warning>.sev,.sev.warning,.count.warning{background:var(--warn)}
.notes{color:var(--muted);font-size:13.5px}
dt{margin-top:.6em}
dd{margin:.2em 0 0 1em}
.filter input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;width:14em;max-width:60vw}
@media (max-width:600px){main{padding:8px}section{padding:10px}body{font-size:14px}h1{font-size:1.25rem}}
`;

// why: with thousands of clusters, the filter is how a reader gets to one; it hides rows and sections, nothing else.
export const SCRIPT = `(function(){
var input=document.getElementById('filter'),shown=document.getElementById('shown');
var rows=document.querySelectorAll('#toc tr[data-name]'),sections=document.querySelectorAll('section.cluster');
function apply(){var q=input.value.trim().toLowerCase(),n=0;
for(var i=0;i<rows.length;i++){var hit=rows[i].getAttribute('data-name').toLowerCase().indexOf(q)>=0;rows[i].hidden=!hit;sections[i].hidden=!hit;if(hit)n++;}
shown.textContent=q?n+' of '+rows.length+' shown':'';}
input.addEventListener('input',apply);})();`;
