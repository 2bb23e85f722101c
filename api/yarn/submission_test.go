package yarn

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/goyarn/goyarn/api"
)

// A body using every member YARN documents (and the ones its DAO accepts
// besides), in the shapes its documentation shows.
const fullSubmission = `{
  "application-id": "application_1700000000000_0011",
  "application-name": "distributed shell",
  "queue": "prod.etl",
  "priority": 3,
  "am-container-spec": {
    "local-resources": {"entry": [
      {"key": "appmaster", "value": {"resource": "file:///staging/app_11/appmaster", "type": "FILE",
        "visibility": "APPLICATION", "size": 9120000, "timestamp": 1700000001000}},
      {"key": "conf", "value": {"resource": "file:///staging/app_11/conf.tgz", "type": "ARCHIVE",
        "visibility": "PRIVATE", "size": 2048, "timestamp": 1700000001001}}
    ]},
    "environment": {"entry": [
      {"key": "SHELL_SCRIPT_LEN", "value": "42"},
      {"key": "CLASSPATH", "value": "./*<CPS>./conf"}
    ]},
    "commands": {"command": "./appmaster --num_containers 2 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr"},
    "service-data": {"entry": [{"key": "shuffle", "value": "c2VydmljZQ"}]},
    "credentials": {"tokens": {}, "secrets": {"entry": [{"key": "s1", "value": "c2VjcmV0"}]}},
    "application-acls": {"entry": [{"key": "VIEW_APP", "value": "carol, dave"}, {"key": "MODIFY_APP", "value": "alice"}]}
  },
  "unmanaged-AM": false,
  "cancel-tokens-when-complete": true,
  "max-app-attempts": 2,
  "resource": {"memory": 1024, "vCores": 1},
  "application-type": "YARN",
  "keep-containers-across-application-attempts": true,
  "application-tags": {"tag": ["Nightly", "team-a"]},
  "app-node-label-expression": "",
  "am-container-node-label-expression": "",
  "log-aggregation-context": {
    "log-include-pattern": "std*", "log-exclude-pattern": "*.tmp",
    "rolled-log-include-pattern": "syslog", "rolled-log-exclude-pattern": "debug",
    "log-aggregation-policy-class-name": "org.apache.hadoop.yarn.server.nodemanager.containermanager.logaggregation.AllContainerLogAggregationPolicy",
    "log-aggregation-policy-parameters": ""
  },
  "attempt-failures-validity-interval": 600000,
  "reservation-id": "reservation_1700000000000_4",
  "am-black-listing-requests": {"am-black-listing-enabled": true, "disable-failure-threshold": 0.2}
}`

func TestDecodeSubmissionFull(t *testing.T) {
	s, err := DecodeSubmission([]byte(fullSubmission))
	if err != nil {
		t.Fatalf("DecodeSubmission: %v", err)
	}
	// Encoding leaves out members at their defaults; what is left decodes to
	// the same value.
	again, err := DecodeSubmission([]byte(mustMarshal(t, s)))
	if err != nil || !reflect.DeepEqual(again, s) {
		t.Errorf("re-decode: %v\n%+v\n%+v", err, again, s)
	}
	got, err := s.ToAPI()
	if err != nil {
		t.Fatalf("ToAPI: %v", err)
	}
	want := api.SubmissionContext{
		ApplicationID:   api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 11},
		Name:            "distributed shell",
		Queue:           "prod.etl",
		Priority:        3,
		ApplicationType: "YARN",
		Tags:            []string{"nightly", "team-a"},
		AMResource:      api.Res(1024, 1),
		AMContainer: api.LaunchContext{
			LocalResources: map[string]api.LocalResource{
				"appmaster": {URL: "file:///staging/app_11/appmaster", Type: api.ResourceFile, Visibility: "APPLICATION", Size: 9120000, Timestamp: 1700000001000},
				"conf":      {URL: "file:///staging/app_11/conf.tgz", Type: api.ResourceArchive, Visibility: "PRIVATE", Size: 2048, Timestamp: 1700000001001},
			},
			Environment: map[string]string{"SHELL_SCRIPT_LEN": "42", "CLASSPATH": "./*<CPS>./conf"},
			Commands:    []string{"./appmaster --num_containers 2 1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr"},
		},
		MaxAttempts:    2,
		KeepContainers: true,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ToAPI =\n%+v\nwant\n%+v", got, want)
	}
}

func TestDecodeSubmissionMinimal(t *testing.T) {
	s, err := DecodeSubmission([]byte(`{"application-id":"application_1700000000000_0012",
"am-container-spec":{"commands":{"command":["./am","--flag","x"]}},"resource":{"memory":512,"vCores":1}}`))
	if err != nil {
		t.Fatalf("DecodeSubmission: %v", err)
	}
	got, err := s.ToAPI()
	if err != nil {
		t.Fatal(err)
	}
	if got.ApplicationType != DefaultApplicationType || got.Priority != 0 || got.MaxAttempts != 0 ||
		!reflect.DeepEqual(got.AMContainer.Commands, []string{"./am --flag x"}) || got.Tags != nil {
		t.Errorf("ToAPI = %+v", got)
	}
}

func TestDecodeSubmissionRejects(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string // every one must appear in the error
	}{
		{"unknown top-level field", `{"application-id":"application_1700000000000_0001","resources":{"memory":1,"vCores":1},
"am-container-spec":{"commands":{"command":"x"}}}`, []string{`unknown field "resources"`, "resource is required"}},
		{"unknown nested fields", `{"application-id":"application_1700000000000_0001","resource":{"memory":1,"vcores":1},
"am-container-spec":{"commands":{"command":"x"},"local-resources":{"entry":[{"key":"a","value":{"resourse":"file:///a"}}]}}}`,
			[]string{`unknown field "resource.vcores"`, `unknown field "am-container-spec.local-resources.entry[0].value.resourse"`,
				"entry[0].value.resource is required"}},
		{"case differs", `{"Application-Id":"application_1700000000000_0001"}`, []string{`unknown field "Application-Id"`}},
		{"every bad value", `{"application-id":"app_1","priority":-5,"max-app-attempts":-1,"resource":{"memory":-1,"vCores":0},
"application-tags":{"tag":["ü"]},"reservation-id":"res-1","am-black-listing-requests":{"am-black-listing-enabled":true,"disable-failure-threshold":2},
"am-container-spec":{"commands":{"command":"  "},"environment":{"entry":[{"key":"A","value":"1"},{"key":"A","value":"2"},{"key":"","value":"3"}]},
"local-resources":{"entry":[{"key":"x","value":{"resource":"file:///x","type":"DIR","visibility":"WORLD","size":-1,"timestamp":-2}},{"key":"x","value":{"resource":"file:///y"}}]},
"application-acls":{"entry":[{"key":"ADMIN","value":"me"}]}}}`,
			[]string{"application-id: invalid id", "priority -5", "max-app-attempts -1", "resource.memory -1", "resource.vCores 0",
				`tag "ü" is not ASCII`, `reservation-id "res-1"`, "disable-failure-threshold 2", "commands: at least one command",
				`environment.entry[1].key "A" appears twice`, "environment.entry[2].key is required",
				`entry[0].value.type "DIR"`, `entry[0].value.visibility "WORLD"`, "entry[0].value.size -1",
				"entry[0].value.timestamp -2", `local-resources.entry[1].key "x" appears twice`, `key "ADMIN"`}},
		{"missing everything", `{}`, []string{"application-id is required", "resource is required", "am-container-spec is required"}},
		{"too many tags", `{"application-id":"application_1700000000000_0001","resource":{"memory":1,"vCores":1},"am-container-spec":{"commands":{"command":"x"}},
"application-tags":{"tag":["1","2","3","4","5","6","7","8","9","10","11"]}}`, []string{"11 tags, at most 10"}},
		{"wrong JSON type", `{"application-id":"application_1700000000000_0001","resource":{"memory":"lots","vCores":1}}`,
			[]string{"resource.memory: cannot use JSON string"}},
		{"not JSON", `{"application-id":`, []string{"malformed JSON"}},
		{"not an object", `[1,2]`, []string{"must be a JSON object"}},
		{"trailing data", `{} {}`, []string{"data after"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := DecodeSubmission([]byte(c.body))
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			if !errors.Is(err, ErrInvalidSubmission) {
				t.Errorf("error does not wrap ErrInvalidSubmission: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestUnmanagedAMNeedsNoContainer(t *testing.T) {
	s, err := DecodeSubmission([]byte(`{"application-id":"application_1700000000000_0013","unmanaged-AM":true}`))
	if err != nil {
		t.Fatalf("unmanaged AM without spec: %v", err)
	}
	if got, err := s.ToAPI(); err != nil || !got.UnmanagedAM {
		t.Errorf("ToAPI = %+v, %v", got, err)
	}
}

func TestToAPIValidates(t *testing.T) {
	s := SubmissionContext{ApplicationID: "application_1700000000000_0001", Resource: &api.Resource{MemoryMB: 0, VCores: 1}}
	if _, err := s.ToAPI(); !errors.Is(err, ErrInvalidSubmission) || !strings.Contains(err.Error(), "resource.memory 0") {
		t.Errorf("ToAPI error = %v", err)
	}
}

func TestSubmissionFromAPIRoundTrip(t *testing.T) {
	in := api.SubmissionContext{
		ApplicationID:   api.ApplicationID{ClusterTimestamp: 1700000000000, Seq: 21},
		Name:            "pi",
		Queue:           "default",
		Priority:        1,
		ApplicationType: "SPARK",
		Tags:            []string{"a", "b"},
		AMResource:      api.Res(2048, 2),
		AMContainer: api.LaunchContext{
			LocalResources: map[string]api.LocalResource{"app": {URL: "file:///s/app", Type: api.ResourceFile, Visibility: "APPLICATION", Size: 10, Timestamp: 20}},
			Environment:    map[string]string{"B": "2", "A": "1"},
			Commands:       []string{"./app --driver"},
		},
		MaxAttempts: 3,
	}
	body := mustMarshal(t, SubmissionFromAPI(in))
	if !strings.Contains(body, `"commands":{"command":"./app --driver"}`) || !strings.Contains(body, `"application-tags":{"tag":["a","b"]}`) {
		t.Errorf("body = %s", body)
	}
	s, err := DecodeSubmission([]byte(body))
	if err != nil {
		t.Fatalf("decode own body: %v", err)
	}
	out, err := s.ToAPI()
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n%+v\n%+v\n%v", out, in, err)
	}
}

func TestCommandsForms(t *testing.T) {
	if got := mustMarshal(t, Commands{Command: []string{"a", "b"}}); got != `{"command":["a","b"]}` {
		t.Errorf("two commands = %s", got)
	}
	var c Commands
	if err := json.Unmarshal([]byte(`{"command":"one"}`), &c); err != nil || !reflect.DeepEqual(c.Command, []string{"one"}) {
		t.Errorf("string form: %+v %v", c, err)
	}
	var tags TagList
	if err := json.Unmarshal([]byte(`{"tag":"solo"}`), &tags); err != nil || !reflect.DeepEqual(tags.Tag, []string{"solo"}) {
		t.Errorf("single tag: %+v %v", tags, err)
	}
}
