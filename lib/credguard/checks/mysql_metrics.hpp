#pragma once

#include <credguard/checks/kind.hpp>
#include <credguard/mysql/client.hpp>

namespace credguard::checks {

// The measurements of the `mysql` kind, one per params.metric. Each queries
// the platform database through `db` and returns the check's results;
// each throws what mysql::Client::query throws (-> UNKNOWN).

// Connections in use (Threads_connected) as % of max_connections.
std::vector<CheckResult> measure_connections(const CheckDefinition& def, mysql::Client& db);
// batch_jobs 'processing' since more than params.older_than (default 1h).
std::vector<CheckResult> measure_stuck_jobs(const CheckDefinition& def, mysql::Client& db);
// batch_jobs 'failed' in the last params.window (default 24h).
std::vector<CheckResult> measure_failed_jobs(const CheckDefinition& def, mysql::Client& db);
// bureau_cache rows expired more than params.older_than (default 0) ago.
std::vector<CheckResult> measure_bureau_expired(const CheckDefinition& def, mysql::Client& db);
// users without a login for params.inactive_for (default 90d), or never.
std::vector<CheckResult> measure_inactive_users(const CheckDefinition& def, mysql::Client& db);
// params.sql returning one number (params.args bound to its placeholders).
std::vector<CheckResult> measure_query(const CheckDefinition& def, mysql::Client& db);

// Size of the database's tables in MiB (information_schema), with the
// growth since the previous run when `history` has one.
std::vector<CheckResult> measure_table_sizes(const CheckDefinition& def, mysql::Client& db,
                                             const CheckContext& context);
// Growth of the database's size in % per week since the newest earlier run
// at least params.min_interval (default 1d) old; SKIP without one.
std::vector<CheckResult> measure_table_growth(const CheckDefinition& def, mysql::Client& db,
                                              const CheckContext& context);

// PSI of each product's faixaScore distribution over the last month against
// the month before (customer_scores.dataProcessamento); the worst product's
// PSI is the value. Products with fewer than params.min_rows rows in either
// month are named but not compared.
std::vector<CheckResult> measure_score_bands(const CheckDefinition& def, mysql::Client& db);

} // namespace credguard::checks
