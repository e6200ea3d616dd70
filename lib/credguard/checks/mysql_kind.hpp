#pragma once

#include <credguard/checks/kind.hpp>

namespace credguard::checks {

// The `mysql` kind: params.metric picks the measurement (connections,
// stuck_jobs, failed_jobs, bureau_expired, inactive_users, table_sizes,
// table_growth, score_bands, or query with params.sql). It needs mysql.host
// and uses the context's mysql::Client, never a concrete client.
void add_mysql_kind(KindRegistry& registry);

} // namespace credguard::checks
