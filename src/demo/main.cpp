// vigil-demo: parses the command line and runs the demo app or the load mode.
#include <iostream>
#include <string>
#include <vector>

#include "flags.h"
#include "load.h"
#include "serve.h"
#include "vigil/base/log.h"

namespace {

int RunLoad(const vigil::demo::LoadOptions& options) {
  vigil::demo::LoadGenerator generator(options);
  vigil::Result<vigil::demo::LoadSummary> summary = generator.Run();
  if (!summary.ok()) {
    std::cerr << "vigil-demo load: " << summary.status().ToString() << "\n";
    return 1;
  }
  std::cout << "vigil-demo load: " << summary->ToString() << std::endl;
  // Failing requests are the point of a demo; only sending nothing at all fails.
  return summary->sent > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  vigil::Result<vigil::demo::CommandLine> cl = vigil::demo::ParseCommandLine(args);
  if (!cl.ok()) {
    std::cerr << "vigil-demo: " << cl.status().message() << "\nSee vigil-demo --help.\n";
    return 2;
  }
  if (cl->mode == vigil::demo::CommandLine::Mode::kHelp) {
    std::cout << cl->help;
    return 0;
  }
  vigil::log::Init(cl->log_level, cl->log_format);
  if (cl->mode == vigil::demo::CommandLine::Mode::kLoad) return RunLoad(cl->load);
  vigil::Status status = vigil::demo::Serve(cl->app);
  if (!status.ok()) {
    vigil::log::Error("vigil-demo failed", {{"err", status.ToString()}});
    return 1;
  }
  return 0;
}
