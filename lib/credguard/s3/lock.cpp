// Object tagging, Object Lock retention and legal hold.
#include <credguard/core/error.hpp>
#include <credguard/core/strings.hpp>
#include <credguard/s3/call.hpp>
#include <credguard/s3/client.hpp>
#include <credguard/s3/xml.hpp>

#include <fmt/format.h>

namespace credguard::s3 {

namespace {

constexpr std::string_view k_namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

Call sub_resource(std::string action, std::string method, const std::string& bucket, const std::string& key,
                  std::string resource, const std::string& version_id)
{
  Call call(std::move(action), std::move(method), bucket, key);
  call.query.push_back({std::move(resource), ""});
  if (!version_id.empty()) {
    call.query.push_back({"versionId", version_id});
  }
  return call;
}

bool lock_not_configured(const http::Response& response)
{
  if (!response.transport_ok() || response.status != 404) {
    return false;
  }
  auto body = parse_error_body(response.body);
  return body &&
         (body->code == "NoSuchObjectLockConfiguration" || body->code == "ObjectLockConfigurationNotFoundError");
}

} // namespace

void Client::put_object_tagging(const std::string& bucket, const std::string& key, const std::vector<Tag>& tags,
                                const std::string& version_id)
{
  Call call = sub_resource("PutObjectTagging", "PUT", bucket, key, "tagging", version_id);
  call.headers.push_back({"Content-Type", "application/xml"});
  call.body = fmt::format("<Tagging {}><TagSet>", k_namespace);
  for (const auto& tag : tags) {
    call.body += fmt::format("<Tag><Key>{}</Key><Value>{}</Value></Tag>", xml_escape(tag.key), xml_escape(tag.value));
  }
  call.body += "</TagSet></Tagging>";
  execute(call);
}

std::vector<Tag> Client::get_object_tagging(const std::string& bucket, const std::string& key,
                                            const std::string& version_id)
{
  Call call = sub_resource("GetObjectTagging", "GET", bucket, key, "tagging", version_id);
  XmlElement root = parse_xml(execute(call).body, "GetObjectTagging answer");
  std::vector<Tag> tags;
  if (const XmlElement* set = root.child("TagSet")) {
    for (const XmlElement* tag : set->children_named("Tag")) {
      tags.push_back({tag->child_text("Key").value_or(""), tag->child_text("Value").value_or("")});
    }
  }
  return tags;
}

void Client::put_object_retention(const std::string& bucket, const std::string& key, const Retention& retention,
                                  const std::string& version_id, bool bypass_governance)
{
  Call call = sub_resource("PutObjectRetention", "PUT", bucket, key, "retention", version_id);
  call.headers.push_back({"Content-Type", "application/xml"});
  if (bypass_governance) {
    call.headers.push_back({"x-amz-bypass-governance-retention", "true"});
  }
  call.body = fmt::format("<Retention {}><Mode>{}</Mode><RetainUntilDate>{}</RetainUntilDate></Retention>", k_namespace,
                          to_string(retention.mode), format_s3_time(retention.retain_until));
  execute(call);
}

std::optional<Retention> Client::get_object_retention(const std::string& bucket, const std::string& key,
                                                      const std::string& version_id)
{
  Call call = sub_resource("GetObjectRetention", "GET", bucket, key, "retention", version_id);
  http::Response response = send(call);
  if (lock_not_configured(response)) {
    return std::nullopt;
  }
  if (!response.ok()) {
    throw make_error(target(call), response);
  }
  XmlElement root = parse_xml(response.body, "GetObjectRetention answer");
  auto mode = parse_lock_mode(root.child_text("Mode").value_or(""));
  auto until = parse_s3_time(root.child_text("RetainUntilDate").value_or(""));
  if (!mode || !until) {
    throw make_client_error(target(call), ErrorKind::data, "the answer has no Mode or RetainUntilDate");
  }
  return Retention{*mode, *until};
}

void Client::put_object_legal_hold(const std::string& bucket, const std::string& key, bool on,
                                   const std::string& version_id)
{
  Call call = sub_resource("PutObjectLegalHold", "PUT", bucket, key, "legal-hold", version_id);
  call.headers.push_back({"Content-Type", "application/xml"});
  call.body = fmt::format("<LegalHold {}><Status>{}</Status></LegalHold>", k_namespace, on ? "ON" : "OFF");
  execute(call);
}

bool Client::get_object_legal_hold(const std::string& bucket, const std::string& key, const std::string& version_id)
{
  Call call = sub_resource("GetObjectLegalHold", "GET", bucket, key, "legal-hold", version_id);
  http::Response response = send(call);
  if (lock_not_configured(response)) {
    return false;
  }
  if (!response.ok()) {
    throw make_error(target(call), response);
  }
  XmlElement root = parse_xml(response.body, "GetObjectLegalHold answer");
  return root.child_text("Status").value_or("OFF") == "ON";
}

std::optional<ObjectLockConfiguration> Client::get_object_lock_configuration(const std::string& bucket)
{
  Call call("GetObjectLockConfiguration", "GET", bucket);
  call.query.push_back({"object-lock", ""});
  http::Response response = send(call);
  if (lock_not_configured(response)) {
    return std::nullopt;
  }
  if (!response.ok()) {
    throw make_error(target(call), response);
  }
  XmlElement root = parse_xml(response.body, "GetObjectLockConfiguration answer");
  ObjectLockConfiguration configuration;
  configuration.enabled = root.child_text("ObjectLockEnabled").value_or("") == "Enabled";
  if (const XmlElement* rule = root.find("Rule/DefaultRetention")) {
    configuration.default_mode = parse_lock_mode(rule->child_text("Mode").value_or(""));
    if (auto days = rule->child_text("Days")) {
      configuration.default_days = static_cast<int>(parse_int(*days).value_or(0));
    }
    if (auto years = rule->child_text("Years")) {
      configuration.default_years = static_cast<int>(parse_int(*years).value_or(0));
    }
  }
  return configuration;
}

} // namespace credguard::s3
