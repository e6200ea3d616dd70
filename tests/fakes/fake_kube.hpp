#pragma once

#include "support/http_server.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace credguard::test {

// Which Kubernetes release the fake answers as, where they differ (batch
// discovery: PROTOCOL-NOTES, Kubernetes API).
enum class KubeRelease {
  v1_20, // /apis/batch lists batch/v1 (jobs only) and batch/v1beta1 (cronjobs)
  v1_25, // /apis/batch lists batch/v1 only, which serves cronjobs and jobs
};

// A stand-in for the Kubernetes API server, for tests: no real one can run
// here. It answers as kube-apiserver v1.20.2 did (PROTOCOL-NOTES.md,
// Kubernetes API) where clients can see it:
// - paths /api/v1/... and /apis/GROUP/VERSION/..., namespaced and
//   cluster-scoped (nodes), the /scale subresource of Deployments, and
//   discovery of /apis/batch, /apis/apps and their versions' resource lists
//   (1.20- or 1.25-style batch, see KubeRelease);
// - lists as kind XList with apiVersion, metadata.resourceVersion and items
//   (items without kind/apiVersion), `limit` + `continue` paging with
//   remainingItemCount, labelSelector (=, ==, !=, in, notin, exists, !key)
//   and fieldSelector (metadata.name/namespace plus the per-resource fields
//   the server supports; others are 400 "field label not supported");
// - errors as Status objects: no credentials 403 for system:anonymous, a
//   bad bearer token 401, a missing object 404 naming it, a stale
//   resourceVersion 409 Conflict, an existing name 409 AlreadyExists, an
//   expired continue token 410 Expired with metadata.continue (a token the
//   fake honours), a garbage one 400, a wrong Content-Type 415 "415:
//   Unsupported Media Type";
// - writes bump a global resourceVersion; POST sets uid, creationTimestamp
//   and generateName; PATCH accepts merge, strategic-merge (lists of
//   objects merged by name) and JSON patches; a POST, PUT or PATCH without
//   Content-Type is taken as JSON (a PATCH as a merge patch); PUT is
//   conditional only when the body carries metadata.resourceVersion;
// - the pod log subresource (GET .../pods/NAME/log): text/plain, with
//   container (400 when the pod has no such container, or has several and
//   none is named), sinceSeconds, tailLines and timestamps (RFC 3339 with
//   nanoseconds and a space before each line); 404 for a missing pod; 204
//   No Content for a pod without spec.nodeName (never scheduled); 500
//   without reason when the pod's Node is stored without status.addresses
//   (a pod on a node that is not stored is served as if its kubelet
//   answered), likewise when its kubelet is unreachable; RBAC on "pods/log" (deny(user, "get", "pods/log"));
// - defaults and zero fields: a Deployment's spec.replicas defaults to 1, a
//   CronJob's spec.suspend to false, an Event's eventTime to null and
//   reportingComponent to ""; a Scale of 0 replicas has "spec": {}, a
//   Deployment's status has no availableReplicas when 0.
// Client certificates are accepted when the server has a client CA: the
// certificate's CN is the user.
class FakeKubeApi {
public:
  // Plain HTTP, or HTTPS with `tls` (and client certificates from `client_ca_pem`).
  explicit FakeKubeApi(std::optional<CertPair> tls = std::nullopt,
                       std::optional<std::string> client_ca_pem = std::nullopt);

  std::string url() const { return m_server.url(); }
  std::vector<HttpRequest> requests() const { return m_server.requests(); }
  std::size_t request_count() const { return m_server.request_count(); }

  // Accepts `token` as a bearer token of `user`.
  void add_token(const std::string& token, const std::string& user = "credguard");
  // Answers 403 to `user` for `verb` (get, list, create, update, patch) on `resource`.
  void deny(const std::string& user, const std::string& verb, const std::string& resource);
  // Answers as `release` (default KubeRelease::v1_20).
  void serve_as(KubeRelease release);
  // From now on, continue tokens are answered 410 Expired.
  void expire_continue_tokens();
  // The next `count` GETs of single objects are each followed by another
  // writer changing the object, so a read-modify-write that follows conflicts.
  void interleave_writes(int count);
  // The kubelet of Node `node` refuses connections: its pods' logs are a
  // 500 Status without reason "... dial tcp ADDRESS:10250: connect:
  // connection refused" (ADDRESS: the node's first status.addresses entry).
  void kubelet_unreachable(const std::string& node);
  // Every request is answered 503 (etcd down) while set.
  void set_unavailable(bool unavailable);

  // Stores `object` as if created (kind and apiVersion decide the
  // resource; metadata.namespace is required for namespaced kinds).
  nlohmann::json put(nlohmann::json object);
  // Appends `line` (no newline) to the log of `container` of pod NS/POD,
  // written at `when`. The pod itself is stored with put().
  void add_log_line(const std::string& ns, const std::string& pod, const std::string& container,
                    std::chrono::system_clock::time_point when, const std::string& line);

  // The stored object, or nullopt.
  std::optional<nlohmann::json> get(const std::string& resource, const std::string& ns, const std::string& name) const;

private:
  struct Route;
  HttpResponse handle(const HttpRequest& request);
  HttpResponse dispatch(const HttpRequest& request, const Route& route, const std::string& user);
  HttpResponse list(const HttpRequest& request, const Route& route);
  HttpResponse create(const HttpRequest& request, const Route& route);
  HttpResponse write(const HttpRequest& request, const Route& route, nlohmann::json updated, bool conditional);
  HttpResponse scale(const HttpRequest& request, const Route& route);
  HttpResponse pod_log(const HttpRequest& request, const Route& route);
  HttpResponse discovery(const std::vector<std::string>& parts, const std::string& path, const std::string& user);
  nlohmann::json stamp(nlohmann::json object, const nlohmann::json* previous);

  mutable std::mutex m_mutex;
  // resource -> "ns/name" -> object; cluster-scoped objects use "/name".
  std::map<std::string, std::map<std::string, nlohmann::json>> m_objects;
  struct LogLine {
    std::chrono::system_clock::time_point when;
    std::string text;
  };
  std::map<std::string, std::vector<LogLine>> m_logs; // "ns/pod/container" -> lines
  std::map<std::string, std::string> m_tokens;        // token -> user
  std::set<std::string> m_denied;                     // "user verb resource"
  KubeRelease m_release = KubeRelease::v1_20;
  long long m_resource_version = 1000;
  long long m_uid = 0;
  bool m_expire_continue = false;
  int m_interleave = 0;
  bool m_unavailable = false;
  std::set<std::string> m_kubelets_down;
  HttpServer m_server; // last: its threads call handle()
};

// A Kubernetes Status object response: {"kind":"Status",...,"code":N}.
HttpResponse kube_status(int code, const std::string& reason, const std::string& message,
                         const nlohmann::json& details = nlohmann::json::object());

// A CronJob labelled credguard.io/model=`model`, to put() into the fake.
inline nlohmann::json model_cronjob(const std::string& name, const std::string& ns, const std::string& model,
                                    bool suspended)
{
  nlohmann::json spec = {{"schedule", "0 2 * * *"}, {"jobTemplate", nlohmann::json::object()}};
  if (suspended) {
    spec["suspend"] = true;
  }
  return {{"apiVersion", "batch/v1"},
          {"kind", "CronJob"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"credguard.io/model", model}}}}},
          {"spec", spec}};
}

// A Warning Event about `kind`/`object` in `ns` as /api/v1 shows one written
// through events.k8s.io/v1 that repeated (PROTOCOL-NOTES, Events): no
// count, firstTimestamp and lastTimestamp null, eventTime = `first`, and
// series {count, lastObservedTime = `last`}. To put() into the fake.
nlohmann::json series_event(const std::string& name, const std::string& ns, const std::string& kind,
                            const std::string& object, const std::string& reason,
                            std::chrono::system_clock::time_point first, std::chrono::system_clock::time_point last,
                            long long count);

} // namespace credguard::test
