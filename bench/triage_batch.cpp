// Batch triage throughput: a generated stream of GuardTrip events (JSON
// Lines) through triage_stream, against the reference of only parsing the
// same lines with nlohmann::json. Prints events per second for both.
#include <credguard/triage/batch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <sstream>

namespace {

std::string generate(std::size_t events)
{
  std::string stream;
  stream.reserve(events * 200);
  for (std::size_t i = 0; i < events; ++i) {
    auto risk = static_cast<double>((i * 7919) % 1000) / 1000.0;
    stream +=
        fmt::format(R"({{"type":"GuardTrip","time":"2026-11-23T08:{:02}:{:02}Z","tenant_id":"t-{}",)"
                    R"("capsule_hash":"c{:06x}","risk_score":{},"heartbeat_misses":{},"model":"credit-score@7"}})",
                    (i / 60) % 60, i % 60, i % 97, i % 5000, risk, i % 7);
    stream += '\n';
  }
  return stream;
}

template <typename Fn> double seconds(Fn&& fn)
{
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv)
{
  std::size_t events = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200'000;
  auto stream = generate(events);
  std::size_t parsed = 0;
  double parse_only = seconds([&] {
    std::istringstream in(stream);
    std::string line;
    while (std::getline(in, line)) {
      parsed += nlohmann::json::parse(line).size();
    }
  });
  credguard::triage::BatchResult result;
  double triage = seconds([&] {
    std::istringstream in(stream);
    result = credguard::triage::triage_stream(in, "bench", credguard::triage::Thresholds{});
  });
  fmt::print("batch triage of {} events ({:.1f} MiB of JSON Lines)\n", events,
             static_cast<double>(stream.size()) / (1024.0 * 1024.0));
  fmt::print("  reference, nlohmann::json parse only: {:>10.0f} events/s ({:.3f} s)\n",
             static_cast<double>(events) / parse_only, parse_only);
  fmt::print("  triage_stream (parse, validate, decide): {:>7.0f} events/s ({:.3f} s), {:.2f}x the reference time\n",
             static_cast<double>(events) / triage, triage, triage / parse_only);
  fmt::print("  decisions: {} legitimate, {} investigate, {} monitor, {} false positive\n",
             result.count(credguard::triage::Decision::legitimate),
             result.count(credguard::triage::Decision::investigate), result.count(credguard::triage::Decision::monitor),
             result.count(credguard::triage::Decision::false_positive));
  return result.items.size() == events && parsed > 0 ? 0 : 1;
}
