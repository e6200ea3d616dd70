#include <credguard/core/time_format.hpp>
#include <credguard/events/cloud_event.hpp>

namespace credguard::events {

nlohmann::json CloudEvent::to_json() const
{
  nlohmann::json event{{"specversion", "1.0"},
                       {"id", id},
                       {"source", source},
                       {"type", type},
                       {"time", format_rfc3339(time)},
                       {"datacontenttype", "application/json"},
                       {"data", data}};
  if (!subject.empty()) {
    event["subject"] = subject;
  }
  return event;
}

} // namespace credguard::events
