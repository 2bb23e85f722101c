// Package webui serves the NodeManager's human web pages, with YARN's
// paths: /node (and /) the overview (node id, ResourceManager, resources,
// health), /node/allApplications, /node/application/<id>,
// /node/allContainers, /node/container/<cid>, and the log pages
// /node/containerlogs/<cid>/<user> (the container's log files) and
// /node/containerlogs/<cid>/<user>/<file> (one log, for browsers). Templates
// and CSS are embedded (embed.FS); no CDN, no JavaScript; the live pages
// refresh themselves (?refresh=0 turns it off). The stylesheet, the
// formatting helpers, the base layout and the error page are api/webkit's,
// shared with the ResourceManager's pages; templates/chrome.html is the
// NM's part of the chrome (title, header bar and nav, footer version).
//
// UI.Wrap puts the pages (and an optional /metrics handler) in front of the
// NM's REST handler (nodemanager/webapp), which keeps /ws/v1/node/… and the
// raw log files: a request for /node/containerlogs/<cid>/<user>/<file> is a
// page only when the client prefers HTML (a browser) and does not ask for
// ?raw; curl, gosubmit's log links and other tools keep getting plain text.
//
// Log files are read through an os.Root on the container's log dir, and a
// name with '/' or '..' is refused, so no request reads outside a log dir.
// It must not change container state or talk to the RM.
package webui
