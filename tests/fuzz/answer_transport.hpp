#pragma once

// An http::Transport that answers each request with the next of a list of
// bodies (the fuzz input's parts), then 404: servers as hostile as the
// input makes them, with no network.

#include <credguard/core/clock.hpp>
#include <credguard/http/transport.hpp>

#include <string_view>
#include <vector>

namespace credguard::fuzz {

class AnswerTransport final : public http::Transport {
public:
  // The first byte of each body, when it is a digit, picks the status
  // (see k_statuses) and is dropped; otherwise the status is 200.
  explicit AnswerTransport(std::vector<std::string_view> bodies)
    : m_bodies(std::move(bodies))
  {}

  std::vector<http::Response> perform_all(std::span<const http::Request> requests, const http::FanOutOptions&) override
  {
    std::vector<http::Response> out;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      http::Response response;
      response.attempts = 1;
      if (m_next >= m_bodies.size()) {
        response.status = 404;
        response.body = R"({"kind":"Status","reason":"NotFound","error_code":"RESOURCE_DOES_NOT_EXIST"})";
      } else {
        std::string_view body = m_bodies[m_next++];
        response.status = 200;
        if (!body.empty() && body[0] >= '0' && body[0] <= '9') {
          response.status = k_statuses[static_cast<std::size_t>(body[0] - '0')];
          body.remove_prefix(1);
        }
        response.body = std::string(body);
      }
      out.push_back(std::move(response));
    }
    return out;
  }

private:
  static constexpr long k_statuses[10] = {200, 201, 400, 401, 403, 404, 409, 410, 429, 500};
  std::vector<std::string_view> m_bodies;
  std::size_t m_next = 0;
};

// A clock that stands still at 2026-11-23T08:00:00Z and never sleeps.
class StillClock final : public Clock {
public:
  SystemTime now() const override { return SystemTime(std::chrono::seconds(1'795'420'800)); }
  SteadyTime steady_now() const override { return SteadyTime{}; }
  void sleep_for(Millis) const override {}
};

} // namespace credguard::fuzz
