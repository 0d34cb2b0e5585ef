// The `vigil` command line: `vigil [serve]`, `vigil check ...`, --help,
// --version. main() only calls Main.
#pragma once

namespace vigil::app {

// Returns the process exit code.
int Main(int argc, char** argv);

}  // namespace vigil::app
