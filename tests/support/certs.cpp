#include "support/certs.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace credguard::test {

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr new_key()
{
  return KeyPtr(EVP_EC_gen("prime256v1"), EVP_PKEY_free);
}

std::string to_pem(EVP_PKEY* key)
{
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

std::string to_pem(X509* cert)
{
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    throw std::runtime_error("bad extension " + value);
  }
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

CertPtr make_cert(const std::string& cn, EVP_PKEY* key, long serial, std::chrono::hours not_before,
                  std::chrono::hours not_after)
{
  CertPtr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count()) * 3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count()) * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

KeyPtr read_key(const std::string& pem)
{
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return KeyPtr(key, EVP_PKEY_free);
}

CertPtr read_cert(const std::string& pem)
{
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return CertPtr(cert, X509_free);
}

long next_serial()
{
  static long serial = 1000;
  return ++serial;
}

} // namespace

TestCa::TestCa(const std::string& name)
{
  auto key = new_key();
  auto cert = make_cert(name, key.get(), next_serial(), std::chrono::hours(-48), std::chrono::hours(24 * 3650));
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  X509_sign(cert.get(), key.get(), EVP_sha256());
  m_ca = CertPair{to_pem(cert.get()), to_pem(key.get())};
}

CertPair TestCa::issue(const std::string& common_name, const std::vector<std::string>& sans,
                       std::chrono::hours not_before, std::chrono::hours not_after) const
{
  return issue_with_usage(common_name, sans, not_before, not_after, "serverAuth");
}

CertPair TestCa::issue_client(const std::string& common_name) const
{
  return issue_with_usage(common_name, {}, std::chrono::hours(-24), std::chrono::hours(24 * 365), "clientAuth");
}

CertPair TestCa::issue_with_usage(const std::string& common_name, const std::vector<std::string>& sans,
                                  std::chrono::hours not_before, std::chrono::hours not_after,
                                  const std::string& usage) const
{
  auto ca_key = read_key(m_ca.key_pem);
  auto ca_cert = read_cert(m_ca.cert_pem);
  auto key = new_key();
  auto cert = make_cert(common_name, key.get(), next_serial(), not_before, not_after);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get()));
  std::string alt;
  for (const auto& san : sans) {
    bool is_ip = san.find_first_not_of("0123456789.:") == std::string::npos;
    alt += (alt.empty() ? "" : ",") + std::string(is_ip ? "IP:" : "DNS:") + san;
  }
  if (!alt.empty()) {
    add_extension(cert.get(), ca_cert.get(), NID_subject_alt_name, alt);
  }
  add_extension(cert.get(), ca_cert.get(), NID_basic_constraints, "CA:FALSE");
  add_extension(cert.get(), ca_cert.get(), NID_ext_key_usage, usage);
  X509_sign(cert.get(), ca_key.get(), EVP_sha256());
  return CertPair{to_pem(cert.get()), to_pem(key.get())};
}

} // namespace credguard::test
