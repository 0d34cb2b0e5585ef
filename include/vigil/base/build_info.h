// What this binary is: version, git revision, compiler. Set at build time.
#pragma once

#include <string_view>

namespace vigil::build_info {

std::string_view Version();
std::string_view Revision();
std::string_view Compiler();

}  // namespace vigil::build_info
