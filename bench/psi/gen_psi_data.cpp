// The psi benchmark's executable (bench_psi_bin), two roles:
//   bench_psi_bin generate ROWS SEED SHIFT > file.csv
// writes a dataset: a credit-scoring population of ROWS rows x 10 columns
// (numeric with ties, skewed, categorical with quoted and UTF-8 values, 2 %
// missing cells), deterministic for a given seed; SHIFT 0 is the baseline, a
// positive SHIFT moves the distributions (drift).
//   bench_psi_bin PYTHON DRIVER [DRIVER ARGS...]
// runs the driver (run_psi_bench.py) under PYTHON, telling it where credguard
// and this generator are; the driver times credguard psi against the
// pandas/numpy reference on generated data.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace {

constexpr std::array<std::string_view, 5> k_products = {"CARTAO", "CONSIGNADO", "PESSOAL", "\"VEICULO, USADO\"",
                                                        "IMOBILIARIO"};
constexpr std::array<std::string_view, 12> k_regions = {"São Paulo", "Rio de Janeiro", "Minas Gerais", "Paraná",
                                                        "Bahia",     "Goiás",          "Ceará",        "Pará",
                                                        "Maranhão",  "Piauí",          "Amapá",        "Rondônia"};
constexpr std::array<std::string_view, 4> k_channels = {"app", "web", "agencia", "parceiro"};

class Writer {
public:
  ~Writer() { flush(); }
  Writer() = default;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void text(std::string_view s)
  {
    if (m_used + s.size() + 64 > m_buffer.size()) {
      flush();
    }
    for (char c : s) {
      m_buffer[m_used++] = c;
    }
  }
  void number(double value, int decimals)
  {
    if (m_used + 64 > m_buffer.size()) {
      flush();
    }
    auto result = std::to_chars(m_buffer.data() + m_used, m_buffer.data() + m_buffer.size(), value,
                                std::chars_format::fixed, decimals);
    m_used = static_cast<std::size_t>(result.ptr - m_buffer.data());
  }
  void integer(long long value)
  {
    if (m_used + 32 > m_buffer.size()) {
      flush();
    }
    auto result = std::to_chars(m_buffer.data() + m_used, m_buffer.data() + m_buffer.size(), value);
    m_used = static_cast<std::size_t>(result.ptr - m_buffer.data());
  }
  void flush()
  {
    std::fwrite(m_buffer.data(), 1, m_used, stdout);
    m_used = 0;
  }

private:
  std::array<char, 1 << 16> m_buffer{};
  std::size_t m_used = 0;
};

int generate(long long rows, unsigned long long seed, double shift);

// Replaces this process with PYTHON DRIVER --credguard ... --generator ...
// followed by the remaining arguments; returns only when exec fails.
int run_driver(int argc, char** argv)
{
  std::string self(4096, '\0');
  auto length = ::readlink("/proc/self/exe", self.data(), self.size());
  if (length <= 0) {
    std::perror("bench_psi: /proc/self/exe");
    return 1;
  }
  self.resize(static_cast<std::size_t>(length));
  std::string credguard = CREDGUARD_BINARY;
  std::vector<char*> args = {
      argv[1],    argv[2], const_cast<char*>("--credguard"), credguard.data(), const_cast<char*>("--generator"),
      self.data()};
  for (int i = 3; i < argc; ++i) {
    args.push_back(argv[i]);
  }
  args.push_back(nullptr);
  ::execv(argv[1], args.data());
  std::fprintf(stderr, "bench_psi: cannot run %s (python3 with pandas: scripts/deps.sh bench)\n", argv[1]);
  return 1;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc == 5 && std::string_view(argv[1]) == "generate") {
    return generate(std::atoll(argv[2]), std::strtoull(argv[3], nullptr, 10), std::atof(argv[4]));
  }
  if (argc >= 3) {
    return run_driver(argc, argv);
  }
  std::fprintf(stderr, "usage: bench_psi_bin generate ROWS SEED SHIFT | bench_psi_bin PYTHON DRIVER [ARGS...]\n");
  return 64;
}

namespace {

int generate(long long rows, unsigned long long seed, double shift)
{
  std::mt19937_64 rng(seed);

  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::gamma_distribution<double> score_a(2.0 + shift, 1.0);
  std::gamma_distribution<double> score_b(5.0, 1.0);
  std::lognormal_distribution<double> income(8.3 + 0.1 * shift, 0.7);
  std::normal_distribution<double> age(40.0 + 2 * shift, 12.0);
  std::normal_distribution<double> bureau(650.0 - 15 * shift, 90.0);
  std::lognormal_distribution<double> loan(9.0, 1.0);
  std::poisson_distribution<int> late(0.3 + 0.2 * shift);
  std::discrete_distribution<int> product({40, 25, 20 - 5 * shift, 10, 5 + 5 * shift});
  std::discrete_distribution<int> region({30, 12, 11, 7, 7, 4, 4, 4, 3, 3, 1, 1});
  std::discrete_distribution<int> channel({50 + 10 * shift, 30, 15, 5});

  Writer out;
  out.text("score,income,age,bureau_score,utilization,loan_amount,days_late,product,region,channel\n");
  for (long long r = 0; r < rows; ++r) {
    for (int c = 0; c < 10; ++c) {
      if (c > 0) {
        out.text(",");
      }
      if (unit(rng) < 0.02) {
        out.text(unit(rng) < 0.5 ? "" : "NA");
        continue;
      }
      switch (c) {
      case 0: {
        double a = score_a(rng);
        out.number(a / (a + score_b(rng)), 6);
        break;
      }
      case 1: out.number(income(rng), 2); break;
      case 2: out.integer(std::clamp(static_cast<long long>(age(rng)), 18LL, 90LL)); break;
      case 3: out.integer(std::clamp(static_cast<long long>(bureau(rng)), 300LL, 900LL)); break;
      case 4: out.number(unit(rng) < 0.3 ? 0.0 : unit(rng) * (1 + 0.1 * shift), 4); break;
      case 5: out.integer(static_cast<long long>(loan(rng) / 100) * 100); break;
      case 6: out.integer(late(rng)); break;
      case 7: out.text(k_products[static_cast<std::size_t>(product(rng))]); break;
      case 8: out.text(k_regions[static_cast<std::size_t>(region(rng))]); break;
      default: out.text(k_channels[static_cast<std::size_t>(channel(rng))]); break;
      }
    }
    out.text("\n");
  }
  return 0;
}

} // namespace
