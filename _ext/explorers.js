// Draws the book's explorers (helpers.widgets.Explorer) on the static page with Vega-Lite:
// the controls and the figure work without a kernel, offline and from disk.
window.dlbookViews = window.dlbookViews || {};
window.dlbookExplorer = function (id) {
  var el = document.getElementById(id);
  var spec = JSON.parse(document.getElementById(id + "-spec").textContent);
  var dark = document.documentElement.dataset.theme === "dark";
  vegaEmbed(el, spec, { actions: false, renderer: "svg", theme: dark ? "dark" : undefined })
    .then(function (result) { window.dlbookViews[id] = result.view; })
    .catch(function (error) { console.error("explorer " + id + ": " + error); });
};
