// tsdb_crash_child DIR FD SEED [delete]: the crash tests' ingesting process
// (with "delete", one that also deletes and cleans tombstones).
#include <cstdlib>
#include <string>

#include "crash_driver.h"

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 5 && std::string(argv[4]) == "delete")) return 64;
  auto seed = static_cast<uint32_t>(std::strtoul(argv[3], nullptr, 10));
  if (argc == 5) vigil::tsdb::crash::RunDeletingChild(argv[1], std::atoi(argv[2]), seed);
  vigil::tsdb::crash::RunChild(argv[1], std::atoi(argv[2]), seed);
}
