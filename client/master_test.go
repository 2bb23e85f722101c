package client_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/goyarn/goyarn/client"
)

func TestResolveRMs(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	rms := func(pairs ...string) []client.RM {
		var out []client.RM
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, client.RM{ID: pairs[i], Addr: pairs[i+1]})
		}
		return out
	}
	cases := []struct {
		in, env string
		want    []client.RM
		bad     bool
	}{
		{in: "yarn", want: rms("rm1", "127.0.0.1:8088")},
		{in: "", want: rms("rm1", "127.0.0.1:8088")},
		{in: "yarn", env: "a:1,b:2", want: rms("rm1", "a:1", "rm2", "b:2")},
		{in: "YARN", env: "goyarn://a:1", want: rms("rm1", "a:1")},
		{in: "goyarn://h1:8088,h2:8088,h3:8088", want: rms("rm1", "h1:8088", "rm2", "h2:8088", "rm3", "h3:8088")},
		{in: "http://h1:9000/, http://h2:9001", want: rms("rm1", "h1:9000", "rm2", "h2:9001")},
		{in: "h1", want: rms("rm1", "h1:8088")},
		{in: "rmA=h1:1,rmB=h2:2", want: rms("rmA", "h1:1", "rmB", "h2:2")},
		{in: "goyarn://rm7=h1:1,h2:2", want: rms("rm7", "h1:1", "rm2", "h2:2")},
		{in: "[::1]:8088", want: rms("rm1", "[::1]:8088")},
		{in: "https://h1:8090", bad: true},
		{in: "h1:0", bad: true},
		{in: "h1:x", bad: true},
		{in: "=h1:1", bad: true},
		{in: "rm1=a:1,rm1=b:2", bad: true},
		{in: "rm2=a:1,b:2", bad: true}, // b is rm2 by position
		{in: ",,", bad: true},
		{in: "h1:1/path", bad: true},
		{in: "yarn", env: "yarn", bad: true},
	}
	for _, tc := range cases {
		env[client.EnvRMAddresses] = tc.env
		got, err := client.ResolveRMs(tc.in, getenv)
		if tc.bad {
			if !errors.Is(err, client.ErrBadMaster) {
				t.Errorf("ResolveRMs(%q) = %v, %v; want ErrBadMaster", tc.in, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ResolveRMs(%q, env %q) = %v, %v; want %v", tc.in, tc.env, got, err, tc.want)
		}
	}
}

func TestParseMasterAddresses(t *testing.T) {
	got, err := client.ParseMaster("goyarn://rm1=a:1,b:2")
	if err != nil || !reflect.DeepEqual(got, []string{"a:1", "b:2"}) {
		t.Fatalf("ParseMaster = %v, %v", got, err)
	}
	if _, err := client.New(nil, client.Options{}); !errors.Is(err, client.ErrBadMaster) {
		t.Errorf("New(nil) err = %v", err)
	}
}
