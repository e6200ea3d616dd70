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

// A stand-in for the Kubernetes API server, for tests: no real one can run
// here. It follows the API's documented behaviour where clients can see it:
// - paths /api/v1/... and /apis/GROUP/VERSION/..., namespaced and
//   cluster-scoped (nodes), the /scale subresource of Deployments, and
//   discovery of /apis/batch and /apis/apps;
// - lists as kind XList with apiVersion, metadata.resourceVersion and items
//   (items without kind/apiVersion), `limit` + `continue` paging with
//   remainingItemCount, labelSelector (=, ==, !=, in, notin, exists, !key)
//   and fieldSelector (metadata.name/namespace plus the per-resource fields
//   the server supports; others are 400 "field label not supported");
// - errors as Status objects: no credentials 403 for system:anonymous, a
//   bad bearer token 401, a missing object 404 naming it, a stale
//   resourceVersion 409 Conflict, an existing name 409 AlreadyExists, an
//   expired continue token 410 Expired, a wrong Content-Type 415;
// - writes bump a global resourceVersion; POST sets uid, creationTimestamp
//   and generateName; PATCH accepts merge, strategic-merge (lists of
//   objects merged by name) and JSON patches; PUT is a conditional update;
// - the pod log subresource (GET .../pods/NAME/log): text/plain, with
//   container (400 when the pod has no such container, or has several and
//   none is named), sinceSeconds, tailLines and timestamps (RFC 3339 with
//   nanoseconds and a space before each line); 404 for a missing pod; RBAC
//   on "pods/log" (deny(user, "get", "pods/log"));
// - zero fields are omitted: a Scale of 0 replicas has "spec": {}, a
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
  // The batch API versions served (default batch/v1); empty: no batch group.
  void set_batch_versions(std::vector<std::string> versions);
  // From now on, continue tokens are answered 410 Expired.
  void expire_continue_tokens();
  // The next `count` GETs of single objects are each followed by another
  // writer changing the object, so a read-modify-write that follows conflicts.
  void interleave_writes(int count);
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
  std::vector<std::string> m_batch_versions{"batch/v1"};
  long long m_resource_version = 1000;
  long long m_uid = 0;
  bool m_expire_continue = false;
  int m_interleave = 0;
  bool m_unavailable = false;
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

} // namespace credguard::test
