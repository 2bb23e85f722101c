package client

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrBadSize: a size string is not in Spark's form (ParseByteString).
var ErrBadSize = errors.New("bad size")

// Byte units of ParseByteString, as Spark's ByteUnit (binary multiples).
const (
	Byte int64 = 1
	KiB        = Byte << 10
	MiB        = KiB << 10
	GiB        = MiB << 10
	TiB        = GiB << 10
	PiB        = TiB << 10
)

var byteSuffixes = map[string]int64{
	"b": Byte, "k": KiB, "kb": KiB, "m": MiB, "mb": MiB, "g": GiB, "gb": GiB,
	"t": TiB, "tb": TiB, "p": PiB, "pb": PiB,
}

// ParseByteString parses a size the way Spark's JavaUtils.byteStringAs does
// and returns it in unit (one of Byte … PiB): case-insensitive, surrounding
// blanks ignored, a whole number followed by an optional suffix b, k/kb,
// m/mb, g/gb, t/tb or p/pb (binary multiples); a bare number is in unit.
// Converting to a larger unit truncates (1536k is 1 MiB). Fractions
// ("1.5g"), signs, inner blanks, unknown suffixes and results that do not
// fit an int64 are errors wrapping ErrBadSize.
func ParseByteString(s string, unit int64) (int64, error) {
	lower := strings.ToLower(strings.TrimSpace(s))
	digits := len(lower) - len(strings.TrimLeft(lower, "0123456789"))
	num, suffix := lower[:digits], lower[digits:]
	bad := func(why string) (int64, error) { return 0, fmt.Errorf("%w %q: %s", ErrBadSize, s, why) }
	if num == "" {
		return bad("want a whole number with an optional unit b, k, m, g, t or p (e.g. 512m, 2g)")
	}
	if len(suffix) > 1 && suffix[0] == '.' && suffix[1] >= '0' && suffix[1] <= '9' {
		return bad("fractional values are not supported")
	}
	mul := unit
	if suffix != "" {
		m, ok := byteSuffixes[suffix]
		if !ok {
			return bad(fmt.Sprintf("invalid suffix %q (use b, k, m, g, t or p, e.g. 512m or 2g)", suffix))
		}
		mul = m
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		return bad("number out of range")
	}
	if mul <= unit {
		return v / (unit / mul), nil
	}
	ratio := mul / unit
	if v > math.MaxInt64/ratio {
		return bad("too large")
	}
	return v * ratio, nil
}

// ParseMemoryMB parses a memory size as spark-submit's --driver-memory and
// --executor-memory take it ("512m", "2g", "1t"; a bare number is MB) and
// returns whole megabytes, which must be at least 1.
func ParseMemoryMB(s string) (int64, error) {
	mb, err := ParseByteString(s, MiB)
	if err != nil {
		return 0, err
	}
	if mb < 1 {
		return 0, fmt.Errorf("%w %q: must be at least 1m", ErrBadSize, s)
	}
	return mb, nil
}
