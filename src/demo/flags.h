// The vigil-demo command line:
//   vigil-demo [--web.listen-address=...] [--error-rate=F] [--latency=D]
//              [--version-label=V] [--log.level=L] [--log.format=F]
//   vigil-demo load --rate=R --duration=D --target=URL [--boom-ratio=F]
//              [--concurrency=C]
// parsed with boost::program_options into plain options, fully validated.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "app.h"
#include "load.h"
#include "vigil/base/log.h"
#include "vigil/base/result.h"

namespace vigil::demo {

struct CommandLine {
  enum class Mode { kServe, kLoad, kHelp };
  Mode mode = Mode::kServe;
  AppOptions app;    // for kServe
  LoadOptions load;  // for kLoad
  log::Level log_level = log::Level::kInfo;
  log::Format log_format = log::Format::kJson;
  std::string help;  // for kHelp: the usage text to print
};

// `args` excludes the program name. A first argument "load" selects the load
// mode. Fails with InvalidArgument on unknown flags, bad values or missing
// required flags; --help anywhere gives kHelp.
Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args);

}  // namespace vigil::demo
