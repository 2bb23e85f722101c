package objstore

// Settings are the object store settings of a daemon's configuration:
// the RM's and the NM's configs carry them inline, so each is a flag, an
// environment variable and a YAML key there (object-store-endpoint, …),
// and the cluster layout's object-store section fills them.
type Settings struct {
	Endpoint        string `yaml:"object-store-endpoint" usage:"S3 endpoint of s3:// URLs, http(s)://host:port (empty: AWS)"`
	Region          string `yaml:"object-store-region" usage:"S3 region (empty: us-east-1)"`
	CredentialsFile string `yaml:"object-store-credentials-file" usage:"S3 credentials, AWS shared-credentials format, mode 0600"`
	Profile         string `yaml:"object-store-profile" usage:"section of the S3 credentials file (empty: default)"`
	VirtualHost     bool   `yaml:"object-store-virtual-host" usage:"address S3 buckets as bucket.host (AWS style) instead of host/bucket"`
}

// Config is the client configuration the settings describe.
func (s Settings) Config() Config {
	return Config{S3Endpoint: s.Endpoint, S3Region: s.Region, S3CredentialsFile: s.CredentialsFile,
		S3Profile: s.Profile, S3VirtualHost: s.VirtualHost}
}

// Fill sets the fields of s that are empty (or false) from o.
func (s *Settings) Fill(o Settings) {
	if s.Endpoint == "" {
		s.Endpoint = o.Endpoint
	}
	if s.Region == "" {
		s.Region = o.Region
	}
	if s.CredentialsFile == "" {
		s.CredentialsFile = o.CredentialsFile
	}
	if s.Profile == "" {
		s.Profile = o.Profile
	}
	s.VirtualHost = s.VirtualHost || o.VirtualHost
}
