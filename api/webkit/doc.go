// Package webkit is the web UI kit the daemons' human pages share (the
// ResourceManager's resourcemanager/webui and the NodeManager's
// nodemanager/webui, which must not import each other):
//
//   - the formatting helpers every template may call (Funcs: times, ages,
//     durations, sizes, percentages, resources, state badge classes);
//   - the stylesheet, embedded and served at /static/goyarn.css;
//   - the page chrome: the base layout (templates/layout.html: head, the
//     auto-refresh, header bar, footer) and the error page, which Parse
//     puts together with each daemon's own parts ("daemon", "header",
//     "version", "home") and pages ("content");
//   - rendering (Pages.Render: a template error is a clean 500), the
//     ?refresh=0 switch, and the gin engine with the stylesheet and
//     /metrics (Engine) that a daemon adds its routes to.
//
// What a page shows, its routes and which paths a daemon's UI owns stay
// with the daemon. It imports nothing of goyarn but package api; it reads
// no daemon state and keeps no state of its own beyond parsed templates.
package webkit
