#include "builtins.h"

#include "escape.h"
#include "function_args.h"
#include "printf.h"
#include "vigil/base/url_escape.h"

namespace vigil::tmpl {
namespace {

enum class Kind { kInvalid, kBool, kInt, kFloat, kString, kOther };

Kind BasicKind(const Value& v) {
  if (v.is_nil()) return Kind::kInvalid;
  if (v.is_bool()) return Kind::kBool;
  if (v.is_int()) return Kind::kInt;
  if (v.is_float()) return Kind::kFloat;
  if (v.is_string()) return Kind::kString;
  return Kind::kOther;
}

Status IncompatibleTypes() { return InvalidArgument("incompatible types for comparison"); }
Status InvalidComparisonType() { return InvalidArgument("invalid type for comparison"); }

Result<bool> Equal(const Value& a, const Value& b) {
  Kind ka = BasicKind(a);
  Kind kb = BasicKind(b);
  if (ka != kb) {
    if (ka != Kind::kInvalid && kb != Kind::kInvalid) return IncompatibleTypes();
    return false;
  }
  switch (ka) {
    case Kind::kInvalid: return true;
    case Kind::kBool: return a.as_bool() == b.as_bool();
    case Kind::kInt: return a.as_int() == b.as_int();
    case Kind::kFloat: return a.as_float() == b.as_float();
    case Kind::kString: return a.as_string() == b.as_string();
    case Kind::kOther: break;
  }
  return InvalidArgument("non-comparable type " + a.ToString() + ": " + GoTypeName(a));
}

Result<bool> Less(const Value& a, const Value& b) {
  Kind ka = BasicKind(a);
  Kind kb = BasicKind(b);
  if (ka == Kind::kInvalid || ka == Kind::kOther || kb == Kind::kInvalid || kb == Kind::kOther) {
    return InvalidComparisonType();
  }
  if (ka != kb) return IncompatibleTypes();
  switch (ka) {
    case Kind::kInt: return a.as_int() < b.as_int();
    case Kind::kFloat: return a.as_float() < b.as_float();
    case Kind::kString: return a.as_string() < b.as_string();
    default: return InvalidComparisonType();
  }
}

Result<Value> Eq(std::span<const Value> args) {
  VIGIL_RETURN_IF_ERROR(CheckArgCountAtLeast("eq", args, 1));
  if (args.size() == 1) return InvalidArgument("missing argument for comparison");
  for (size_t i = 1; i < args.size(); ++i) {
    VIGIL_ASSIGN_OR_RETURN(bool equal, Equal(args[0], args[i]));
    if (equal) return Value(true);
  }
  return Value(false);
}

// lt, le, gt and ge from Less and Equal, as Go defines them.
Function Comparison(std::string name, bool want_less, bool or_equal) {
  return [name, want_less, or_equal](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount(name, args, 2));
    VIGIL_ASSIGN_OR_RETURN(bool less, Less(args[0], args[1]));
    bool less_or_equal = less;
    if (!less) {
      VIGIL_ASSIGN_OR_RETURN(less_or_equal, Equal(args[0], args[1]));
    }
    if (want_less) return Value(or_equal ? less_or_equal : less);
    return Value(or_equal ? !less : !less_or_equal);
  };
}

Result<int64_t> IndexArg(const Value& index, size_t cap, bool inclusive) {
  if (index.is_nil()) return InvalidArgument("cannot index slice/array with nil");
  if (!index.is_int()) {
    return InvalidArgument("cannot index slice/array with type " + GoTypeName(index));
  }
  int64_t x = index.as_int();
  if (x < 0 || static_cast<uint64_t>(x) > cap || (!inclusive && static_cast<uint64_t>(x) == cap)) {
    return InvalidArgument("index out of range: " + std::to_string(x));
  }
  return x;
}

Result<Value> Index(std::span<const Value> args) {
  VIGIL_RETURN_IF_ERROR(CheckArgCountAtLeast("index", args, 1));
  Value item = args[0];
  if (item.is_nil()) return InvalidArgument("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Value& index = args[i];
    item = ElementsOf(item);
    if (item.is_list() || item.is_string()) {
      size_t size = item.is_list() ? item.as_list().size() : item.as_string().size();
      VIGIL_ASSIGN_OR_RETURN(int64_t x, IndexArg(index, size, false));
      item = item.is_list() ? item.as_list()[static_cast<size_t>(x)]
                            : Value(int64_t{static_cast<unsigned char>(item.as_string()[x])});
    } else if (item.is_map()) {
      if (!index.is_string()) {
        return InvalidArgument("value has type " + GoTypeName(index) + "; should be string");
      }
      const Map& map = item.as_map();
      auto it = map.find(index.as_string());
      item = it != map.end() ? it->second : MissingKeyValue(map);
    } else if (item.is_nil()) {
      return InvalidArgument("index of nil pointer");
    } else {
      return InvalidArgument("can't index item of type " + GoTypeName(item));
    }
  }
  return item;
}

Result<Value> Slice(std::span<const Value> args) {
  VIGIL_RETURN_IF_ERROR(CheckArgCountAtLeast("slice", args, 1));
  const Value item = ElementsOf(args[0]);
  if (item.is_nil()) return InvalidArgument("slice of untyped nil");
  size_t n = args.size() - 1;
  if (n > 3) return InvalidArgument("too many slice indexes: " + std::to_string(n));
  size_t size;
  if (item.is_string()) {
    if (n == 3) return InvalidArgument("cannot 3-index slice a string");
    size = item.as_string().size();
  } else if (item.is_list()) {
    size = item.as_list().size();
  } else {
    return InvalidArgument("can't slice item of type " + GoTypeName(item));
  }
  int64_t idx[3] = {0, static_cast<int64_t>(size), static_cast<int64_t>(size)};
  for (size_t i = 0; i < n; ++i) {
    VIGIL_ASSIGN_OR_RETURN(idx[i], IndexArg(args[i + 1], size, true));
  }
  for (size_t i = 0; i + 1 < std::max<size_t>(n, 2); ++i) {
    if (idx[i] > idx[i + 1]) {
      return InvalidArgument("invalid slice index: " + std::to_string(idx[i]) + " > " +
                             std::to_string(idx[i + 1]));
    }
  }
  if (item.is_string()) return Value(item.as_string().substr(idx[0], idx[1] - idx[0]));
  const List& list = item.as_list();
  return Value(List(list.begin() + idx[0], list.begin() + idx[1]));
}

Result<Value> Len(std::span<const Value> args) {
  VIGIL_RETURN_IF_ERROR(CheckArgCount("len", args, 1));
  const Value& v = args[0];
  if (v.is_string()) return Value(static_cast<int64_t>(v.as_string().size()));
  if (v.is_list()) return Value(static_cast<int64_t>(v.as_list().size()));
  if (v.is_map()) return Value(static_cast<int64_t>(v.as_map().size()));
  if (v.is_object() && v.as_object().AsList()) {
    return Value(static_cast<int64_t>(v.as_object().AsList()->size()));
  }
  if (v.is_object() && v.as_object().AsMap()) {
    return Value(static_cast<int64_t>(v.as_object().AsMap()->size()));
  }
  if (v.is_nil()) return InvalidArgument("len of nil pointer");
  return InvalidArgument("len of type " + GoTypeName(v));
}

// The text html, js and urlquery escape: one string as is, else fmt.Sprint.
std::string EscaperInput(std::span<const Value> args) {
  if (args.size() == 1 && args[0].is_string()) return args[0].as_string();
  return GoSprint(args);
}

FuncMap MakeBuiltins() {
  FuncMap f;
  f["not"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("not", args, 1));
    return Value(!args[0].Truthy());
  };
  f["len"] = Len;
  f["index"] = Index;
  f["slice"] = Slice;
  f["print"] = [](std::span<const Value> args) -> Result<Value> { return Value(GoSprint(args)); };
  f["println"] = [](std::span<const Value> args) -> Result<Value> {
    return Value(GoSprintln(args));
  };
  f["printf"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCountAtLeast("printf", args, 1));
    VIGIL_ASSIGN_OR_RETURN(std::string format, StringArg(args[0]));
    return Value(GoSprintf(format, args.subspan(1)));
  };
  f["eq"] = Eq;
  f["ne"] = [](std::span<const Value> args) -> Result<Value> {
    VIGIL_RETURN_IF_ERROR(CheckArgCount("ne", args, 2));
    VIGIL_ASSIGN_OR_RETURN(bool equal, Equal(args[0], args[1]));
    return Value(!equal);
  };
  f["lt"] = Comparison("lt", true, false);
  f["le"] = Comparison("le", true, true);
  f["gt"] = Comparison("gt", false, false);
  f["ge"] = Comparison("ge", false, true);
  f["html"] = [](std::span<const Value> args) -> Result<Value> {
    return Value(HtmlEscape(EscaperInput(args)));
  };
  f["js"] = [](std::span<const Value> args) -> Result<Value> {
    return Value(JsEscape(EscaperInput(args)));
  };
  f["urlquery"] = [](std::span<const Value> args) -> Result<Value> {
    return Value(QueryEscape(EscaperInput(args)));
  };
  return f;
}

}  // namespace

Value MissingKeyValue(const Map& map) {
  for (const auto& [key, value] : map) {
    if (!value.is_string()) return Value();
  }
  return Value("");
}

const FuncMap& BuiltinFunctions() {
  static const FuncMap* functions = new FuncMap(MakeBuiltins());
  return *functions;
}

bool IsBuiltinFunction(std::string_view name) {
  return name == "and" || name == "or" || BuiltinFunctions().contains(name);
}

}  // namespace vigil::tmpl
