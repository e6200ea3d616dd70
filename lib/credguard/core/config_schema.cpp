#include <credguard/core/config_schema.hpp>
#include <credguard/core/strings.hpp>

namespace credguard::config {

std::string_view to_string(Type type)
{
  switch (type) {
  case Type::string: return "string";
  case Type::integer: return "integer";
  case Type::number: return "number";
  case Type::boolean: return "boolean";
  case Type::duration: return "duration";
  case Type::secret: return "secret";
  case Type::string_list: return "list of strings";
  case Type::object_list: return "list of objects";
  }
  return "string";
}

const std::vector<Section>& schema()
{
  static const std::vector<Section> k_schema = {
      {"journal",
       "the audit journal",
       {
           {"path", Type::string, "journal database file (default: XDG state dir, or /var/lib/credguard as root)"},
       }},
      {"http",
       "the HTTP transport used by every client",
       {
           {"timeout", Type::duration, "total time for one request (default 30s)"},
           {"connect_timeout", Type::duration, "time to connect (default 5s)"},
           {"retries", Type::integer, "attempts after the first for idempotent requests (default 2)"},
           {"ca_bundle", Type::string, "CA bundle file used to verify servers (default: the system's)"},
           {"insecure", Type::boolean, "skip TLS verification (journaled; prefer ca_bundle)"},
       }},
      {"checklist",
       "the checklist engine",
       {
           {"runbook_dir", Type::string, "directory of checklist definitions replacing the embedded ones"},
           {"timeout", Type::duration, "default timeout of one check (default 10s)"},
           {"textfile_dir", Type::string, "default --textfile directory for Prometheus metrics"},
       }},
      {"services",
       "local services checked at shift start",
       {
           {"units", Type::string_list, "systemd units that must be active (running)"},
           {"processes", Type::string_list, "process names that must be running (hosts without systemd)"},
       }},
      {"logs",
       "log files scanned by the checklist",
       {
           {"backend", Type::string, "backend application log"},
           {"mysql_error", Type::string, "MySQL error log"},
           {"nginx_error", Type::string, "Nginx error log"},
           {"auth", Type::string, "sshd/PAM authentication log (auth.log)"},
           {"access", Type::string, "API access log (combined log format or JSON lines)"},
       }},
      {"health",
       "HTTP health endpoints",
       {
           {"endpoints",
            Type::object_list,
            "health URLs that must answer 2xx",
            {
                {"name", Type::string, "check label"},
                {"url", Type::string, "URL to GET"},
                {"timeout", Type::duration, "maximum answer time"},
            }},
       }},
      {"tls",
       "TLS certificates",
       {
           {"hosts", Type::string_list, "host:port endpoints whose certificate expiry is checked"},
       }},
      {"backup",
       "database backups",
       {
           {"dir", Type::string, "directory holding credguard-*.sql.gz backups"},
           {"archive_dir", Type::string, "directory for archive-jobs exports (default: <dir>/archive)"},
           {"dump_command", Type::string, "dump program, looked up in PATH (default mariadb-dump; or mysqldump)"},
           {"client_command", Type::string, "client program for restore-test (default mariadb; or mysql)"},
           {"timeout", Type::duration, "longest one dump or restore may run before it is stopped (default 6h)"},
           {"keep_daily", Type::integer, "backup run keeps the newest backup of the last N days (0: keep all)"},
           {"keep_weekly", Type::integer, "backup run keeps the newest backup of the last N weeks"},
           {"keep_monthly", Type::integer, "backup run keeps the newest backup of the last N months"},
           {"s3_prefix", Type::string, "key prefix of uploads to s3.backup_bucket (default mysql/)"},
           {"archive_s3_prefix", Type::string,
            "key prefix of archive-jobs exports in s3.backup_bucket (default archive/)"},
           {"object_lock_retention", Type::duration, "lock uploaded backups for this long (s3.object_lock_mode)"},
           {"restore_tables", Type::string_list, "key tables restore-test compares (default: the platform's four)"},
       }},
      {"jobs",
       "scheduled jobs (backup, restore-test, archive-jobs, purge-bureau)",
       {
           {"lock_dir", Type::string, "directory of the jobs' lock files (default: the journal's directory)"},
           {"textfile_dir", Type::string, "default --textfile directory for the jobs' Prometheus metrics"},
       }},
      {"drift",
       "the drift check of the checklist (PSI between two CSV files)",
       {
           {"baseline", Type::string, "baseline CSV file (.gz allowed): the reference population"},
           {"current", Type::string, "current CSV file compared with the baseline"},
           {"features", Type::string_list, "columns compared (default: every column)"},
           {"categorical", Type::string_list, "columns binned by value instead of by quantile"},
           {"bins", Type::integer, "bins of numeric columns (default 10)"},
       }},
      {"mysql",
       "the platform database (MariaDB/MySQL)",
       {
           {"host", Type::string, "server host name"},
           {"port", Type::integer, "server port (default 3306)"},
           {"socket", Type::string, "Unix socket path, instead of host/port"},
           {"user", Type::string, "user name"},
           {"password", Type::secret, "password (env:NAME or file:/path)"},
           {"database", Type::string, "database name (default credguard)"},
           {"connect_timeout", Type::duration, "time to connect (default 5s)"},
           {"read_timeout", Type::duration, "time to wait for a query's answer (default 30s)"},
       }},
      {"prometheus",
       "the Prometheus server",
       {
           {"url", Type::string, "base URL, e.g. http://prometheus:9090"},
           {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
       }},
      {"kubernetes",
       "the Kubernetes cluster",
       {
           {"kubeconfig", Type::string, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config)"},
           {"context", Type::string, "kubeconfig context (default: current-context)"},
           {"namespace", Type::string, "namespace of the serving workloads"},
           {"in_cluster", Type::boolean, "use the pod's service account"},
       }},
      {"s3",
       "S3 object storage: forensic copies and backups (credentials: AWS environment, profiles, web identity)",
       {
           {"endpoint", Type::string, "endpoint URL for MinIO/Ceph (default: https://s3.REGION.amazonaws.com)"},
           {"region", Type::string, "signing region (default: $AWS_REGION, $AWS_DEFAULT_REGION, profile, us-east-1)"},
           {"profile", Type::string, "AWS profile to use instead of the environment's credentials"},
           {"addressing_style", Type::string, "auto, path or virtual (auto: path-style on a custom endpoint)"},
           {"forensic_bucket", Type::string, "bucket with Object Lock enabled for quarantine copies"},
           {"backup_bucket", Type::string, "bucket for database backups"},
           {"object_lock_mode", Type::string, "COMPLIANCE (default) or GOVERNANCE for forensic copies"},
           {"object_lock_retention", Type::duration, "how long forensic copies stay locked (default 1825d)"},
       }},
      {"triage",
       "the guard-trip decision tree (credguard triage); a value on a band edge belongs to the band above",
       {
           {"risk_monitor_from", Type::number,
            "risk score from which the low band is 'monitor' rather than 'investigate' (default 0.3)"},
           {"risk_false_positive_below", Type::number, "risk scores below this are false positives (default 0.5)"},
           {"risk_rollback_from", Type::number,
            "risk scores from this up are legitimate incidents: roll back (default 0.8)"},
           {"heartbeat_suspicious_from", Type::integer,
            "heartbeat misses from which a medium score is legitimate (default 3)"},
           {"heartbeat_compromise_from", Type::integer, "heartbeat misses from which compromise is likely (default 5)"},
           {"several_capsules", Type::integer, "capsules tripping at once that point to a shared cause (default 2)"},
           {"capsule_window", Type::duration, "batch triage: trips this close in time count as at once (default 5m)"},
           {"scenario_dir", Type::string,
            "directory of incident scenarios (<name>.yaml) replacing or adding to the embedded ones"},
           {"bot_namespace", Type::string, "--from-cluster: namespace of the incident bot (default monitoring)"},
           {"bot_selector", Type::string,
            "--from-cluster: label selector of the incident bot's pods (default app=incident-bot)"},
           {"bot_container", Type::string, "--from-cluster: container whose log is read (default: the pod's only one)"},
           {"bot_since", Type::duration, "--from-cluster: how far back the log is read (default 1h)"},
           {"bot_tail_lines", Type::integer, "--from-cluster: at most this many last lines per pod (default 10000)"},
           {"maintenance_namespace", Type::string,
            "namespace of the maintenance-window ConfigMap read when a cluster is configured (default monitoring)"},
           {"maintenance_configmap", Type::string,
            "name of the maintenance-window ConfigMap: data active \"true\"/\"false\", until and from RFC 3339 "
            "(default maintenance-status)"},
       }},
      {"registry",
       "the MLflow model registry",
       {
           {"url", Type::string, "MLflow tracking server URL"},
           {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
           {"username", Type::string, "basic-auth user"},
           {"password", Type::secret, "basic-auth password (env:NAME or file:/path)"},
       }},
      {"events",
       "where incident events (model.revoked...) are sent",
       {
           {"source", Type::string, "CloudEvents source attribute (default /credguard/<host>)"},
           {"timeout", Type::duration, "time for one delivery (default 5s)"},
           {"webhooks",
            Type::object_list,
            "CloudEvents 1.0 receivers (structured JSON mode)",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "URL to POST the event to"},
                {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
            }},
           {"slack_webhook", Type::secret, "Slack incoming-webhook URL (a secret: env:NAME or file:/path)"},
           {"pagerduty_routing_key", Type::secret, "PagerDuty Events API v2 routing key (env:NAME or file:/path)"},
           {"pagerduty_url", Type::string,
            "PagerDuty Events API v2 URL (default https://events.pagerduty.com/v2/enqueue)"},
       }},
      {"purge",
       "cache layers purged by purge-cache and revoke; {model} and {version} are replaced in URLs and paths",
       {
           {"timeout", Type::duration, "time for one purge request (default 10s)"},
           {"concurrency", Type::integer, "purge requests in flight at once (default 100)"},
           {"gateway",
            Type::object_list,
            "inference gateway admin purge URLs",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "URL template, e.g. https://gw/admin/purge?model={model}&version={version}"},
                {"method", Type::string, "HTTP method (default GET)"},
                {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
            }},
           {"torchserve",
            Type::object_list,
            "TorchServe management APIs (DELETE /models/{model}/{version}, verified with GET /models/{model})",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "management API base URL, e.g. http://ts:8081"},
                {"token", Type::secret, "management API key (env:NAME or file:/path)"},
            }},
           {"triton",
            Type::object_list,
            "Triton model repository APIs (POST /v2/repository/models/{model}/unload, verified with the index)",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "HTTP endpoint base URL, e.g. http://triton:8000"},
                {"model", Type::string, "Triton model name template (default {model})"},
                {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
            }},
           {"vector",
            Type::object_list,
            "vector/feature cache purge URLs",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "URL template, e.g. http://features/purge?prefix={model}:{version}"},
                {"method", Type::string, "HTTP method (default POST)"},
                {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
            }},
           {"cdn",
            Type::object_list,
            "CDN/edge caches purged with HTTP PURGE (Varnish semantics), verified by a miss",
            {
                {"name", Type::string, "label in reports"},
                {"url", Type::string, "cache base URL, e.g. http://varnish:6081"},
                {"paths", Type::string_list, "path templates, e.g. /v1/models/{model}/versions/{version}"},
                {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
            }},
       }},
      {"serving",
       "the serving platform: how to block a model version and what runs it",
       {
           {"denylist_url", Type::string,
            "gateway denylist entry URL template: PUT adds, GET checks (e.g. "
            "https://gw/admin/denylist/{model}/{version})"},
           {"denylist_token", Type::secret, "bearer token for the denylist endpoint (env:NAME or file:/path)"},
           {"denylist_configmap", Type::string,
            "ConfigMap (in kubernetes.namespace) the gateway reads its denylist from"},
           {"deployment", Type::string, "serving Deployment that receives Kubernetes Events"},
           {"cronjob_selector", Type::string,
            "label selector of the batch CronJobs using a model (default credguard.io/model={model})"},
       }},
      {"rollback",
       "how rollback validates the version it moved production to; {model} and {version} are replaced",
       {
           {"health_url", Type::string, "URL that must answer 2xx after the alias moves"},
           {"settle", Type::duration, "how long SLO queries are sampled after the move (default 60s)"},
           {"interval", Type::duration, "time between SLO samples (default 10s)"},
           {"ready_timeout", Type::duration, "how long pre-warming waits for TorchServe/Triton (default 120s)"},
           {"slo",
            Type::object_list,
            "Prometheus queries (prometheus.url) that must stay at or under their max",
            {
                {"name", Type::string, "label in reports"},
                {"query", Type::string, "PromQL giving one value, e.g. an error ratio"},
                {"max", Type::number, "the highest acceptable value"},
            }},
       }},
  };
  return k_schema;
}

const Field* find_field(std::string_view dotted_key)
{
  auto dot = dotted_key.find('.');
  if (dot == std::string_view::npos) {
    return nullptr;
  }
  auto section_name = dotted_key.substr(0, dot);
  auto key = dotted_key.substr(dot + 1);
  for (const auto& section : schema()) {
    if (section.name != section_name) {
      continue;
    }
    for (const auto& field : section.fields) {
      if (field.name == key) {
        return &field;
      }
    }
  }
  return nullptr;
}

std::string env_name(std::string_view section, std::string_view key)
{
  std::string name = "CREDGUARD_" + to_upper(section) + "_" + to_upper(key);
  for (char& c : name) {
    if (c == '-' || c == '.') {
      c = '_';
    }
  }
  return name;
}

} // namespace credguard::config
