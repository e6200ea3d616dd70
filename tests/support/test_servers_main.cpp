// The ctest fixtures' setup and cleanup: starts one MariaDB server for the
// whole test run and stops it at the end, so tests that need a database
// do not each pay its start-up. The server's address goes into an info
// file whose path the tests get in $CREDGUARD_TEST_MARIADB.
//
//   credguard_test_servers start-mariadb INFO_FILE
//   credguard_test_servers stop-mariadb INFO_FILE

#include "support/mariadb.hpp"

#include <filesystem>
#include <iostream>
#include <string>

using namespace credguard::test;

int main(int argc, char** argv)
{
  if (argc != 3) {
    std::cerr << "usage: credguard_test_servers start-mariadb|stop-mariadb INFO_FILE\n";
    return 64;
  }
  std::string command = argv[1];
  std::filesystem::path info = argv[2];
  try {
    // A server left by an interrupted run is stopped either way.
    if (std::filesystem::exists(info)) {
      stop_mariadb(read_endpoint(info));
      std::filesystem::remove(info);
    }
    if (command == "start-mariadb") {
      MariaDbServer server;
      auto endpoint = server.release();
      write_endpoint(info, endpoint);
      std::cout << "MariaDB on 127.0.0.1:" << endpoint.port << " (" << endpoint.socket << "), pid " << endpoint.pid
                << '\n';
      return 0;
    }
    if (command == "stop-mariadb") {
      return 0;
    }
    std::cerr << "unknown command " << command << '\n';
    return 64;
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
}
