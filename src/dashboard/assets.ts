/** The policy of every page: scripts and styles from the dashboard's own files only,
 *  nothing inline, no frames, no forms, no other origins. A display name that carried
 *  markup past the escaping would still run nothing. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The same policy for a `<meta>` element (static files have no headers), which may
 *  not carry frame-ancestors: browsers ignore it there and say so in the console. */
export const META_CSP = CSP.replace(/; frame-ancestors 'none'$/, "");

/** The stylesheet (dashboard.css). Colour is never the only sign: tiles carry the
 *  state in their title and node pages in words. */
export const STYLESHEET = `
:root { font-family: system-ui, sans-serif; color: #1d232b; background: #f4f6f8; }
body { margin: 0 1.5rem 2rem; }
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
h1 { font-size: 1.4rem; margin: 1rem 0 .5rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.muted { color: #5b6673; }
.cards { display: flex; gap: .75rem; flex-wrap: wrap; margin: .5rem 0 1rem; }
.card { background: #fff; border-radius: 6px; padding: .6rem 1rem; min-width: 7rem; box-shadow: 0 1px 2px #0002; }
.card b { display: block; font-size: 1.6rem; }
.notes { background: #fff8e1; border-left: 4px solid #f0b400; padding: .5rem 1rem .5rem 2rem; }
#filters { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin-bottom: .75rem; }
#filters input, #filters select { font: inherit; padding: .3rem .4rem; }
.tiles { display: flex; flex-wrap: wrap; gap: 4px; }
/* Tiles off screen are neither laid out nor painted until scrolled to: ten thousand of
   them then cost what a screenful does. */
.tiles a { display: block; box-sizing: border-box; width: 11rem; height: 1.6rem; content-visibility: auto; contain-intrinsic-size: 11rem 1.6rem; padding: .35rem .45rem; border-radius: 4px; color: #fff; text-decoration: none; font-size: .72rem;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tiles a[hidden] { display: none; }
.h-ok { background: #1f8a4c; } .h-failing { background: #d98a00; } .h-down { background: #c62828; }
.h-pending { background: #1e6fb8; } .h-maintenance { background: #6b7580; } .h-unknown { background: #9aa3ad; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 4px; color: #fff; }
table { border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e7eb; vertical-align: top; }
th { font-weight: 600; }
td.fail { color: #c62828; font-weight: 600; }
pre { background: #1d232b; color: #e8edf2; padding: .75rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
`;

/** The script (dashboard.js): filters and search over the tiles, kept in the address's
 *  fragment so a reload or a shared link keeps them, and the page's own refresh. Plain
 *  DOM, no framework: the tiles are already in the page, the script only hides some. */
export const SCRIPT = `"use strict";
(function () {
  var refresh = Number(document.body.getAttribute("data-refresh"));
  if (refresh > 0) setTimeout(function () { location.reload(); }, refresh * 1000);
  var grid = document.getElementById("tiles");
  if (!grid) return;
  var tiles = Array.prototype.slice.call(grid.children);
  // Read once: the filter values (data-f, in the selects' data-index order) and the text
  // searched (hostname, display name, address).
  var fields = tiles.map(function (t) { return t.getAttribute("data-f").split(" "); });
  var texts = tiles.map(function (t) { return (t.textContent + " " + t.title).toLowerCase(); });
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  function apply() {
    var text = search.value.trim().toLowerCase();
    var want = selects.filter(function (s) { return s.value !== ""; });
    var count = 0;
    for (var i = 0; i < tiles.length; i++) {
      var ok = text === "" || texts[i].indexOf(text) >= 0;
      for (var j = 0; ok && j < want.length; j++) ok = fields[i][Number(want[j].getAttribute("data-index"))] === want[j].value;
      if (tiles[i].hidden === ok) tiles[i].hidden = !ok;
      if (ok) count++;
    }
    shown.textContent = count + " of " + tiles.length + " shown";
    var state = new URLSearchParams();
    if (text !== "") state.set("q", text);
    want.forEach(function (s) { state.set(s.getAttribute("data-filter"), s.value); });
    history.replaceState(null, "", state.toString() === "" ? location.pathname : "#" + state.toString());
  }
  var saved = new URLSearchParams(location.hash.slice(1));
  search.value = saved.get("q") || "";
  selects.forEach(function (s) { s.value = saved.get(s.getAttribute("data-filter")) || ""; s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  apply();
})();
`;

/** The tab's icon (favicon.svg): without one the browser asks for /favicon.ico and logs its 404. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f8a4c"/></svg>
`;
