package api

import "fmt"

// Resource is an amount of memory (MB) and virtual cores. Its JSON form is
// YARN's: {"memory": MB, "vCores": n}.
type Resource struct {
	MemoryMB int64 `json:"memory"`
	VCores   int64 `json:"vCores"`
}

// Res is shorthand for Resource{MemoryMB: mb, VCores: vcores}.
func Res(mb, vcores int64) Resource { return Resource{MemoryMB: mb, VCores: vcores} }

func (r Resource) String() string { return fmt.Sprintf("<memory:%d, vCores:%d>", r.MemoryMB, r.VCores) }

// Add returns r + o.
func (r Resource) Add(o Resource) Resource {
	return Resource{MemoryMB: r.MemoryMB + o.MemoryMB, VCores: r.VCores + o.VCores}
}

// Sub returns r - o.
func (r Resource) Sub(o Resource) Resource {
	return Resource{MemoryMB: r.MemoryMB - o.MemoryMB, VCores: r.VCores - o.VCores}
}

// Mul returns r scaled by n.
func (r Resource) Mul(n int64) Resource {
	return Resource{MemoryMB: r.MemoryMB * n, VCores: r.VCores * n}
}

// Fits reports whether r fits inside capacity in every dimension.
func (r Resource) Fits(capacity Resource) bool {
	return r.MemoryMB <= capacity.MemoryMB && r.VCores <= capacity.VCores
}

// IsZero reports whether both dimensions are zero.
func (r Resource) IsZero() bool { return r.MemoryMB == 0 && r.VCores == 0 }

// Positive reports whether both dimensions are above zero.
func (r Resource) Positive() bool { return r.MemoryMB > 0 && r.VCores > 0 }

// NonNegative reports whether neither dimension is below zero.
func (r Resource) NonNegative() bool { return r.MemoryMB >= 0 && r.VCores >= 0 }

// Max returns the dimension-wise maximum of r and o.
func (r Resource) Max(o Resource) Resource {
	return Resource{MemoryMB: max(r.MemoryMB, o.MemoryMB), VCores: max(r.VCores, o.VCores)}
}

// Min returns the dimension-wise minimum of r and o.
func (r Resource) Min(o Resource) Resource {
	return Resource{MemoryMB: min(r.MemoryMB, o.MemoryMB), VCores: min(r.VCores, o.VCores)}
}
