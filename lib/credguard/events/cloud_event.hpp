#pragma once

#include <credguard/core/clock.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace credguard::events {

// A CloudEvents 1.0 event, sent in structured mode (the whole event is the
// JSON body, Content-Type application/cloudevents+json).
struct CloudEvent {
  std::string id;      // unique per source; a retry or a resumed run reuses it so receivers can deduplicate
  std::string source;  // URI reference, e.g. /credguard/host-1
  std::string type;    // e.g. model.revoked
  std::string subject; // e.g. credit-score@7
  SystemTime time{};
  nlohmann::json data = nlohmann::json::object();

  // The structured-mode JSON: specversion "1.0", id, source, type, subject,
  // time (RFC 3339), datacontenttype "application/json", data.
  nlohmann::json to_json() const;
};

// The media type of a structured-mode CloudEvents JSON body.
inline constexpr const char* k_cloudevents_content_type = "application/cloudevents+json; charset=utf-8";

} // namespace credguard::events
