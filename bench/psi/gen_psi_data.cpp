// Writes the PSI benchmark's datasets: a credit-scoring population of ROWS
// rows x 10 columns (numeric with ties, skewed, categorical with quoted and
// UTF-8 values, 2 % missing cells), deterministic for a given seed.
//   gen_psi_data ROWS SEED SHIFT > file.csv
// SHIFT 0 is the baseline; a positive SHIFT moves the distributions (drift).

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>

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

} // namespace

int main(int argc, char** argv)
{
  if (argc != 4) {
    std::fprintf(stderr, "usage: gen_psi_data ROWS SEED SHIFT\n");
    return 64;
  }
  long long rows = std::atoll(argv[1]);
  std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
  double shift = std::atof(argv[3]);

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
