// tsdb_crash_child DIR FD SEED: the crash test's ingesting process.
#include <cstdlib>
#include <string>

#include "crash_driver.h"

int main(int argc, char** argv) {
  if (argc != 4) return 64;
  vigil::tsdb::crash::RunChild(argv[1], std::atoi(argv[2]),
                               static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10)));
}
