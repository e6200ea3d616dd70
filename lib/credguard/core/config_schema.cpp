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
           {"keep_daily", Type::integer, "backup run keeps the newest backup of the last N days (0: keep all)"},
           {"keep_weekly", Type::integer, "backup run keeps the newest backup of the last N weeks"},
           {"keep_monthly", Type::integer, "backup run keeps the newest backup of the last N months"},
           {"s3_prefix", Type::string, "key prefix of uploads to s3.backup_bucket (default mysql/)"},
           {"object_lock_retention", Type::duration, "lock uploaded backups for this long (s3.object_lock_mode)"},
           {"restore_tables", Type::string_list, "key tables restore-test compares (default: the platform's four)"},
       }},
      {"jobs",
       "scheduled jobs (backup, restore-test, archive-jobs, purge-bureau)",
       {
           {"lock_dir", Type::string, "directory of the jobs' lock files (default: the journal's directory)"},
           {"textfile_dir", Type::string, "default --textfile directory for the jobs' Prometheus metrics"},
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
      {"registry",
       "the MLflow model registry",
       {
           {"url", Type::string, "MLflow tracking server URL"},
           {"token", Type::secret, "bearer token (env:NAME or file:/path)"},
           {"username", Type::string, "basic-auth user"},
           {"password", Type::secret, "basic-auth password (env:NAME or file:/path)"},
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
