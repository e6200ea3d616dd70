#pragma once

#include <credguard/core/clock.hpp>
#include <credguard/core/env.hpp>
#include <credguard/core/error.hpp>
#include <credguard/core/log.hpp>
#include <credguard/core/redact.hpp>
#include <credguard/http/transport.hpp>
#include <credguard/k8s/exec_credential.hpp>
#include <credguard/k8s/kubeconfig.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace credguard::k8s {

// The three patch flavours of the API server, by Content-Type.
enum class PatchType {
  merge,           // application/merge-patch+json (RFC 7386): null deletes a key, lists are replaced
  strategic_merge, // application/strategic-merge-patch+json: built-in types only, lists merged by key
  json_patch,      // application/json-patch+json (RFC 6902): a list of operations
};
std::string_view content_type(PatchType type);

// Filters and page size of a list call.
struct ListOptions {
  std::string label_selector;  // app=scorer,tier!=batch
  std::string field_selector;  // involvedObject.name=scorer, type=Warning
  std::size_t page_size = 500; // `limit` per request; pages are followed with `continue`
};

// An autoscaling/v1 Scale subresource. Zero fields are omitted by the
// server ("spec": {} for 0 replicas): they read as 0 here.
struct Scale {
  long long replicas = 0;         // spec.replicas: wanted
  long long current_replicas = 0; // status.replicas: running
  std::string selector;           // status.selector
  std::string resource_version;
};

// A core/v1 Event to record against an object (what kubectl describe shows).
struct EventDraft {
  std::string ns;                 // empty = the client's namespace
  nlohmann::json involved_object; // {apiVersion, kind, name, namespace, uid, resourceVersion}: kubectl
                                  // describe finds an object's events by uid
  std::string reason;             // CamelCase, e.g. ModelRevoked
  std::string message;
  std::string type = "Normal"; // or Warning
  std::string action = {};     // what was done, e.g. Revoke
  std::map<std::string, std::string> annotations = {};
};

// Query parameters of the pod log subresource (GET .../pods/NAME/log).
struct LogOptions {
  std::string container;                  // required by the server when the pod has several
  std::optional<long long> since_seconds; // only lines newer than this
  std::optional<long long> tail_lines;    // only the last N lines
  bool timestamps = false;                // prefix each line with its RFC 3339 time and a space
};

// How the client reaches the API server besides the credentials.
struct ClientOptions {
  http::TransportOptions transport; // timeouts and retries; TLS settings come from the ClusterAccess
  // Builds the transport (called again when an exec plugin hands out a new
  // client certificate). Default: http::make_curl_transport.
  std::function<std::unique_ptr<http::Transport>(http::TransportOptions)> make_transport = nullptr;
  Millis exec_timeout{30'000};
};

// A small, read-write Kubernetes REST client. Paths are API paths
// (/api/v1/namespaces/NS/pods, /apis/apps/v1/...; see resource_path()).
// Every failure is a credguard::Error from the server's Status object:
// 401/403 -> auth, 404 -> data ("... not found" naming the object),
// 409 -> conflict, 5xx/429/unreachable -> unavailable, other 4xx -> data.
// Bearer tokens, exec-plugin credentials and client keys are registered with
// the redactor and never appear in messages. Thread-safe.
class Client {
public:
  // `env` (for exec plugins), `clock`, `log` and `redactor` must outlive it.
  Client(ClusterAccess access, ClientOptions options, const Env& env, const Clock& clock, Log& log, Redactor& redactor);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& server() const { return m_access.server; }
  // "kubeconfig FILE, context NAME" or "in-cluster service account".
  const std::string& source() const { return m_access.source; }
  // The namespace used when a call names none: the configured one, else
  // the context's or the pod's, else "default".
  std::string default_namespace() const;

  // GET one object.
  nlohmann::json get(const std::string& path);
  // GET a subresource that answers text, not JSON (pod logs: text/plain);
  // returns the body as is, nullopt for 204 No Content. Failures as for
  // get() (Status objects).
  std::optional<std::string> get_text(const std::string& path);
  // The log of one container of a pod (GET /api/v1/namespaces/NS/pods/POD/log
  // with container, sinceSeconds, tailLines, timestamps); nullopt when the
  // pod has no log yet (never scheduled: 204 No Content). Throws
  // Error(data) for a missing pod (404) or a container the pod does not
  // have (400), Error(unavailable) when the kubelet cannot be reached (500).
  std::optional<std::string> pod_log(const std::string& ns, const std::string& pod, const LogOptions& options = {});
  // GET a collection, following `continue` until the last page; returns the
  // list (kind XList, metadata.resourceVersion of the last page) with every
  // item. A continue token that expired (410) restarts once without paging.
  nlohmann::json list(const std::string& path, const ListOptions& options = {});
  // POST `object` to a collection; returns the created object.
  nlohmann::json create(const std::string& path, const nlohmann::json& object);
  // PATCH an object with `patch` of `type`; returns the patched object.
  nlohmann::json patch(const std::string& path, const nlohmann::json& patch, PatchType type);
  // Read-modify-write: GET, `mutate` (return false to leave it as is),
  // PUT with the read resourceVersion; on 409 Conflict starts again from a
  // fresh GET, up to `max_attempts` times. Returns the stored object.
  nlohmann::json update(const std::string& path, const std::function<bool(nlohmann::json&)>& mutate,
                        int max_attempts = 5);

  // GET WORKLOAD/scale (e.g. a Deployment's path).
  Scale get_scale(const std::string& workload_path);
  // Sets spec.replicas through WORKLOAD/scale (read-modify-write, conflicts
  // retried); returns the new Scale.
  Scale scale(const std::string& workload_path, long long replicas);

  // The CronJob API version the cluster serves: the first version listed by
  // GET /apis/batch (the preferred one first) whose resource list (GET
  // /apis/batch/VERSION) contains cronjobs; batch/v1beta1 on 1.20, batch/v1
  // from 1.21. Cached for the client's life. Throws Error(data) when no
  // version serves CronJobs.
  std::string batch_version();
  // The path of the CronJobs of `ns` (or of one when `name` is given).
  std::string cronjob_path(const std::string& ns, const std::string& name = {});
  // Sets spec.suspend of a CronJob (merge patch); returns the CronJob.
  nlohmann::json set_cronjob_suspended(const std::string& ns, const std::string& name, bool suspended);
  // Sets (value) or removes (nullopt) keys of a ConfigMap's data (merge
  // patch); returns the ConfigMap.
  nlohmann::json patch_configmap(const std::string& ns, const std::string& name,
                                 const std::map<std::string, std::optional<std::string>>& data);
  // Records an Event (POST /api/v1/namespaces/NS/events); returns it.
  nlohmann::json create_event(const EventDraft& draft);

private:
  struct Credentials {
    std::string bearer;
    std::string cert_pem;
    Secret key_pem;
  };
  Credentials credentials(bool refresh);
  std::shared_ptr<http::Transport> transport_for(const Credentials& credentials);
  // Sends `request` (url = an API path; made absolute here) with the
  // credentials; returns any HTTP answer, a 401 after one credential refresh.
  http::Response exchange(http::Request& request);
  nlohmann::json call(const std::string& method, const std::string& path, const std::string& body = {},
                      const std::string& body_type = {}, std::optional<bool> idempotent = std::nullopt);

  ClusterAccess m_access;
  ClientOptions m_options;
  const Env& m_env;
  const Clock& m_clock;
  Log& m_log;
  Redactor& m_redactor;
  std::mutex m_mutex;
  std::optional<ExecCredential> m_exec_credential;
  std::shared_ptr<http::Transport> m_transport;
  std::string m_transport_cert;
  std::string m_batch_version;
};

// The API path of a resource: api_version "v1" -> /api/v1, "apps/v1" ->
// /apis/apps/v1; then namespaces/NS when `ns` is set, the resource, and
// the name and subresource when set. Names are percent-encoded.
std::string resource_path(std::string_view api_version, std::string_view resource, std::string_view ns = {},
                          std::string_view name = {}, std::string_view subresource = {});

// The credguard::Error for a failed exchange, from the Status object in the
// body when there is one (see Client for the kinds).
Error api_error(const http::Request& request, const http::Response& response);

} // namespace credguard::k8s
