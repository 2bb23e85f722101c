package store

import "sort"

// SortApps orders applications by id (cluster timestamp, then sequence), the
// order Load returns them in.
func SortApps(apps []App) {
	sort.Slice(apps, func(i, j int) bool {
		a, b := apps[i].ID, apps[j].ID
		if a.ClusterTimestamp != b.ClusterTimestamp {
			return a.ClusterTimestamp < b.ClusterTimestamp
		}
		return a.Seq < b.Seq
	})
}
