#include "vigil/base/format_float.h"
#include "vigil/template/template.h"

namespace vigil::tmpl {

Result<Value> Object::Call(std::string_view name, std::span<const Value>) const {
  return InvalidArgument(std::string(name) + " is not a method but has arguments");
}

bool Value::Truthy() const {
  if (is_nil()) return false;
  if (is_bool()) return as_bool();
  if (is_int()) return as_int() != 0;
  if (is_float()) return as_float() != 0;
  if (is_string()) return !as_string().empty();
  if (is_list()) return !as_list().empty();
  if (is_map()) return !as_map().empty();
  if (const List* list = as_object().AsList()) return !list->empty();
  if (const Map* map = as_object().AsMap()) return !map->empty();
  return true;  // other objects are structs: always true in Go
}

Value ElementsOf(const Value& v) {
  if (!v.is_object()) return v;
  if (const List* list = v.as_object().AsList()) return Value(*list);
  if (const Map* map = v.as_object().AsMap()) return Value(*map);
  return v;
}

std::string Value::ToString() const {
  if (is_nil()) return "<nil>";
  if (is_bool()) return as_bool() ? "true" : "false";
  if (is_int()) return std::to_string(as_int());
  if (is_float()) return FormatFloat(as_float());
  if (is_string()) return as_string();
  if (is_list()) {
    std::string out = "[";
    bool first = true;
    for (const Value& v : as_list()) {
      if (!first) out += ' ';
      first = false;
      out += v.ToString();
    }
    return out + "]";
  }
  if (is_map()) {
    std::string out = "map[";
    bool first = true;
    for (const auto& [key, value] : as_map()) {
      if (!first) out += ' ';
      first = false;
      out += key + ":" + value.ToString();
    }
    return out + "]";
  }
  return as_object().ToString();
}

}  // namespace vigil::tmpl
