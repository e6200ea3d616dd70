#pragma once

#include <mutex>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace credguard {

// The placeholder that replaces every redacted value.
inline constexpr std::string_view k_redacted = "***";

// True for names that carry credentials: password, token, secret, api key,
// signature, authorization, cookie, credential, session token...
bool is_sensitive_name(std::string_view name);

// Returns `url` with any user:password replaced and the values of sensitive
// query parameters (token, X-Amz-Signature, ...) replaced by ***.
std::string redact_url(std::string_view url);

// Returns the value to log for a header: *** for Authorization, Cookie,
// X-Amz-Security-Token and other sensitive headers, else the value.
std::string redact_header_value(std::string_view name, std::string_view value);

// Returns the command line with the values of sensitive options
// (--password X, --token=X, ...) replaced by ***. Used for the journal.
std::vector<std::string> redact_argv(std::span<const std::string> argv);

// The last line of defence: every secret value the process has resolved is
// registered here, and text leaving the process (output, logs, journal) is
// scrubbed of those values. Thread-safe.
class Redactor {
public:
  // Registers a value to scrub. Values shorter than 4 characters are
  // ignored: scrubbing them would mangle ordinary text.
  void add(std::string_view secret);
  // Returns `text` with every registered value replaced by ***.
  std::string scrub(std::string_view text) const;
  bool empty() const;

private:
  mutable std::shared_mutex m_mutex;
  std::set<std::string> m_values;
};

} // namespace credguard
