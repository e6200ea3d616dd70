#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace credguard::test {

// A certificate and its private key, PEM-encoded.
struct CertPair {
  std::string cert_pem;
  std::string key_pem;
};

// A throwaway certificate authority for TLS tests.
class TestCa {
public:
  explicit TestCa(const std::string& name = "credguard test CA");

  const CertPair& ca() const { return m_ca; }
  // Issues a server certificate for `sans` (DNS names and IP addresses),
  // valid from now+not_before to now+not_after.
  CertPair issue(const std::string& common_name, const std::vector<std::string>& sans,
                 std::chrono::hours not_before = std::chrono::hours(-24),
                 std::chrono::hours not_after = std::chrono::hours(24 * 365)) const;
  // Issues a client certificate (extended key usage clientAuth) whose CN
  // names the user, as Kubernetes client certificates do.
  CertPair issue_client(const std::string& common_name) const;

private:
  CertPair issue_with_usage(const std::string& common_name, const std::vector<std::string>& sans,
                            std::chrono::hours not_before, std::chrono::hours not_after,
                            const std::string& usage) const;

  CertPair m_ca;
};

} // namespace credguard::test
