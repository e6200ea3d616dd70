#include "cli/app.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv)
{
  auto& context = credguard::cli::Context::system();
  int code = credguard::cli::run(argc, argv, context);
  if (context.abandon_threads) {
    context.out().flush();
    context.err().flush();
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  }
  return code;
}
