/** The policy of every page: scripts and styles from the dashboard's own files only,
 *  nothing inline, no frames, no forms, no other origins, and no string ever handed to
 *  an HTML sink (innerHTML and the like throw: trusted types are required and none can
 *  be made). A display name that carried markup past the escaping would still run nothing. */
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; trusted-types 'none'; frame-ancestors 'none'";

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
.tiles { display: grid; grid-template-columns: repeat(auto-fill, 11rem); gap: 4px; align-content: start; box-sizing: border-box; }
.tiles a { display: block; box-sizing: border-box; width: 11rem; height: 1.6rem; padding: .35rem .45rem; border-radius: 4px; color: #fff; text-decoration: none; font-size: .72rem;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.h-ok { background: #1f8a4c; } .h-failing { background: #d98a00; } .h-down { background: #c62828; }
.h-pending { background: #1e6fb8; } .h-maintenance { background: #6b7580; } .h-unknown { background: #9aa3ad; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 4px; color: #fff; }
table { border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #e3e7eb; vertical-align: top; }
th { font-weight: 600; }
td.fail { color: #c62828; font-weight: 600; }
pre { background: #1d232b; color: #e8edf2; padding: .75rem; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
`;

/** The script (dashboard.js): the tile grid, its filters and search, kept in the address's
 *  fragment so a reload or a shared link keeps them, and the page's own refresh. Plain
 *  DOM, no framework. The tiles come from the page's data block; only the rows in view
 *  (and a few beyond) are elements, drawn again on scroll and resize, so ten thousand
 *  nodes cost what a screenful does. Tiles are made with textContent and setAttribute,
 *  never markup, so a display name stays text. */
export const SCRIPT = `"use strict";
(function () {
  var refresh = Number(document.body.getAttribute("data-refresh"));
  if (refresh > 0) setTimeout(function () { location.reload(); }, refresh * 1000);
  var grid = document.getElementById("tiles");
  var data = document.getElementById("tile-data");
  if (!grid || !data) return;
  var parsed = JSON.parse(data.textContent);
  var rows = parsed.tiles;
  var healthAt = 3 + parsed.filters.indexOf("health");
  // The text searched: hostname, display name, address (the title holds the last two).
  var texts = rows.map(function (r) { return (r[0] + " " + r[2]).toLowerCase(); });
  var search = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  var matching = rows;
  var size = null;
  function tile(r) {
    var a = document.createElement("a");
    a.className = "h-" + r[healthAt];
    a.setAttribute("href", r[1]);
    a.title = r[2];
    a.textContent = r[0];
    return a;
  }
  // One tile's box and the grid's gaps, measured once per width: the columns the CSS
  // would make, fixed so the rows drawn are the rows counted.
  function measure() {
    grid.style.gridTemplateColumns = "";
    grid.replaceChildren(tile(rows[0] || ["", "", ""]));
    var box = grid.firstChild.getBoundingClientRect();
    var style = getComputedStyle(grid);
    var colGap = parseFloat(style.columnGap) || 0;
    var rowGap = parseFloat(style.rowGap) || 0;
    var columns = Math.max(1, Math.floor((grid.clientWidth + colGap) / (box.width + colGap)));
    grid.style.gridTemplateColumns = "repeat(" + columns + ", " + box.width + "px)";
    size = { columns: columns, row: box.height + rowGap, gap: rowGap };
  }
  function draw() {
    if (size === null) measure();
    var lines = Math.ceil(matching.length / size.columns);
    // The height first: a shorter list moves the scroll position, and with it the rows in view.
    grid.style.paddingTop = "0px";
    grid.style.height = Math.max(0, lines * size.row - size.gap) + "px";
    var top = grid.getBoundingClientRect().top;
    var first = Math.min(lines, Math.max(0, Math.floor(-top / size.row) - 4));
    var last = Math.min(lines, Math.ceil((window.innerHeight - top) / size.row) + 4);
    grid.style.paddingTop = first * size.row + "px";
    var fragment = document.createDocumentFragment();
    for (var i = first * size.columns; i < Math.min(matching.length, last * size.columns); i++) fragment.appendChild(tile(matching[i]));
    grid.replaceChildren(fragment);
  }
  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; draw(); });
  }
  function apply() {
    var text = search.value.trim().toLowerCase();
    var want = selects.filter(function (s) { return s.value !== ""; })
      .map(function (s) { return { at: 3 + parsed.filters.indexOf(s.getAttribute("data-filter")), value: s.value, name: s.getAttribute("data-filter") }; });
    matching = rows.filter(function (r, i) {
      if (text !== "" && texts[i].indexOf(text) < 0) return false;
      for (var j = 0; j < want.length; j++) if (r[want[j].at] !== want[j].value) return false;
      return true;
    });
    shown.textContent = matching.length + " of " + rows.length + " shown";
    var state = new URLSearchParams();
    if (text !== "") state.set("q", text);
    want.forEach(function (w) { state.set(w.name, w.value); });
    history.replaceState(null, "", state.toString() === "" ? location.pathname : "#" + state.toString());
    draw();
  }
  var saved = new URLSearchParams(location.hash.slice(1));
  search.value = saved.get("q") || "";
  selects.forEach(function (s) { s.value = saved.get(s.getAttribute("data-filter")) || ""; s.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", function () { size = null; schedule(); });
  apply();
})();
`;

/** The tab's icon (favicon.svg): without one the browser asks for /favicon.ico and logs its 404. */
export const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f8a4c"/></svg>
`;
