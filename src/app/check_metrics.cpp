#include <iostream>
#include <iterator>
#include <string>

#include "check.h"
#include "vigil/expfmt/check.h"

namespace vigil::app {

int CheckMetrics(const std::vector<std::string>& args) {
  std::string content_type = "text/plain; version=0.0.4";
  for (const std::string& arg : args) {
    if (arg.rfind("--content-type=", 0) == 0) {
      content_type = arg.substr(std::string("--content-type=").size());
    } else {
      std::cerr << "vigil check metrics: unexpected argument \"" << arg
                << "\" (the exposition is read from standard input)\n";
      return 2;
    }
  }
  std::string body((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  expfmt::CheckResult result =
      expfmt::CheckExposition(body, expfmt::FormatFromContentType(content_type));
  for (const std::string& w : result.warnings) std::cerr << w << "\n";
  for (const std::string& p : result.problems) std::cout << p << "\n";
  return result.ok() ? 0 : 1;
}

}  // namespace vigil::app
