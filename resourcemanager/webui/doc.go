// Package webui serves the ResourceManager's human web pages, with YARN's
// paths so bookmarks keep working: /cluster (and /, /cluster/cluster) the
// overview with this RM's HA state in large type, the other RMs and the
// cluster metrics; /cluster/apps (?state=, or /cluster/apps/<STATE>),
// /cluster/app/<id>, /cluster/nodes (?state=), /cluster/scheduler; and
// /static/ for its stylesheet. Templates and CSS are embedded (embed.FS): no
// CDN, no build step, no JavaScript; the live pages refresh themselves with
// a meta refresh (?refresh=0 turns it off). The stylesheet, the formatting
// helpers, the base layout and the error page are api/webkit's, shared with
// the NodeManager's pages; templates/chrome.html is the RM's part of the
// chrome (title, header bar and nav, footer version).
//
// It reads consistent snapshots through the small Core interface, from the
// core of the current term (Deps.Active, nil while not active), and the HA
// situation through a func the RM passes in. When it renders the overview it
// asks each other RM for its own /ws/v1/cluster/info (bounded by
// PeerTimeout), so the list shows every RM as it describes itself, or
// UNREACHABLE. A standby shows its overview itself and answers every other
// page with a 307 to the same URI on the active RM, as YARN's RMWebAppFilter
// does (or a 503 page with Refresh when it knows no active RM).
//
// UI.Wrap puts the pages (and an optional /metrics handler) in front of the
// REST handler: the UI owns "/", "/cluster", "/cluster/…", "/static/…" and
// "/metrics"; everything else goes to the REST handler untouched.
//
// It must not change RM state, talk to NodeManagers, or serve /ws/….
package webui
