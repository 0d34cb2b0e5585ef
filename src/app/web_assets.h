// The web UI's files (web/), compiled into the binary by cmake/EmbedFiles.cmake.
#pragma once

#include <string_view>
#include <vector>

namespace vigil::app {

struct WebAsset {
  std::string_view path;  // relative to web/, e.g. "index.html"
  std::string_view content;
};

const std::vector<WebAsset>& WebAssets();

}  // namespace vigil::app
