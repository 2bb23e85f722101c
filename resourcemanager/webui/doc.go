// Package webui serves the ResourceManager's human web pages, with YARN's
// paths so bookmarks keep working: /cluster (and /) the overview with this
// RM's HA state, /cluster/apps (?state=), /cluster/app/<id>, /cluster/nodes
// (?state=), /cluster/scheduler, and /static/ for its stylesheet. Templates
// and CSS are embedded (embed.FS): no CDN, no build step, no JavaScript; pages
// refresh themselves with a meta refresh (?refresh=0 turns it off).
//
// It reads consistent snapshots through the small Core interface (the RM's
// core satisfies it) and the HA state through a func the RM passes in. A
// standby RM shows its overview itself and answers every other page with a
// 307 to the same URI on the active RM, as YARN's RMWebAppFilter does.
//
// UI.Wrap puts the pages (and an optional /metrics handler) in front of the
// REST handler: the UI owns "/", "/cluster", "/cluster/…", "/static/…" and
// "/metrics"; everything else goes to the REST handler untouched.
//
// It must not change RM state, talk to NodeManagers, or serve /ws/….
package webui
