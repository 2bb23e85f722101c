package scheduler

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/goyarn/goyarn/api"
)

// yamlResource is api.Resource with YARN's key names.
type yamlResource struct {
	Memory int64 `yaml:"memory"`
	VCores int64 `yaml:"vCores"`
}

type yamlConfig struct {
	MinimumAllocation    yamlResource `yaml:"minimum-allocation"`
	MaximumAllocation    yamlResource `yaml:"maximum-allocation"`
	MaxAMResourcePercent float64      `yaml:"maximum-am-resource-percent"`
	Root                 QueueConfig  `yaml:"root"`
}

func toYAML(r api.Resource) yamlResource   { return yamlResource{Memory: r.MemoryMB, VCores: r.VCores} }
func fromYAML(r yamlResource) api.Resource { return api.Res(r.Memory, r.VCores) }

// UnmarshalYAML decodes the keys minimum-allocation, maximum-allocation,
// maximum-am-resource-percent and root over the values already in c (decode
// onto DefaultConfig() to keep defaults for absent keys; a given root replaces
// the whole default tree). Unknown keys are errors, so a misspelt key is not
// silently ignored.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "minimum-allocation", "maximum-allocation", "maximum-am-resource-percent", "root"); err != nil {
		return err
	}
	y := yamlConfig{
		MinimumAllocation:    toYAML(c.MinimumAllocation),
		MaximumAllocation:    toYAML(c.MaximumAllocation),
		MaxAMResourcePercent: c.MaxAMResourcePercent,
		Root:                 c.Root,
	}
	for _, k := range []string{"minimum-allocation", "maximum-allocation"} {
		if v := mapValue(n, k); v != nil {
			if err := checkKeys(v, "memory", "vCores"); err != nil {
				return err
			}
		}
	}
	if err := n.Decode(&y); err != nil {
		return err
	}
	*c = Config{
		MinimumAllocation:    fromYAML(y.MinimumAllocation),
		MaximumAllocation:    fromYAML(y.MaximumAllocation),
		MaxAMResourcePercent: y.MaxAMResourcePercent,
		Root:                 y.Root,
	}
	return nil
}

// MarshalYAML encodes c with the same keys UnmarshalYAML reads.
func (c Config) MarshalYAML() (any, error) {
	return yamlConfig{
		MinimumAllocation:    toYAML(c.MinimumAllocation),
		MaximumAllocation:    toYAML(c.MaximumAllocation),
		MaxAMResourcePercent: c.MaxAMResourcePercent,
		Root:                 c.Root,
	}, nil
}

// UnmarshalYAML decodes a queue, refusing unknown keys.
func (q *QueueConfig) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "name", "capacity", "maximum-capacity", "maximum-am-resource-percent", "state", "queues"); err != nil {
		return err
	}
	type plain QueueConfig
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*q = QueueConfig(p)
	return nil
}

func checkKeys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return nil // let Decode report the type mismatch
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			ok = ok || k.Value == a
		}
		if !ok {
			return fmt.Errorf("%w: line %d: unknown key %q", ErrInvalidConfig, k.Line, k.Value)
		}
	}
	return nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
