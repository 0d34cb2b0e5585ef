#include "vigil/expfmt/writer.h"

#include "vigil/base/format_float.h"

namespace vigil::expfmt {

void AppendTypeLine(std::string_view family, std::string_view type, std::string* out) {
  out->append("# TYPE ").append(family).append(" ").append(type).append("\n");
}

void AppendSampleLine(std::string_view name, const std::vector<model::Label>& labels, double value,
                      std::optional<int64_t> timestamp_ms, std::string* out) {
  out->append(name);
  if (!labels.empty()) {
    out->push_back('{');
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out->push_back(',');
      out->append(labels[i].name).append("=\"");
      for (char c : labels[i].value) {
        switch (c) {
          case '\\': out->append("\\\\"); break;
          case '"': out->append("\\\""); break;
          case '\n': out->append("\\n"); break;
          default: out->push_back(c);
        }
      }
      out->push_back('"');
    }
    out->push_back('}');
  }
  out->push_back(' ');
  AppendFloat(value, out);
  if (timestamp_ms) out->append(" ").append(std::to_string(*timestamp_ms));
  out->push_back('\n');
}

}  // namespace vigil::expfmt
