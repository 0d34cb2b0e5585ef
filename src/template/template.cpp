#include "vigil/template/template.h"

#include "builtins.h"
#include "exec.h"
#include "parser.h"

namespace vigil::tmpl {

struct Template::Impl {
  std::string name;
  FuncMap functions;
  std::shared_ptr<const Tree> main;
  TreeMap templates;  // {{define}}d and {{block}} templates, and the main one

  Result<ParsedSource> ParseText(std::string_view source_name, std::string_view text) const {
    auto has_function = [this](std::string_view f) {
      return functions.contains(f) || IsBuiltinFunction(f);
    };
    return ParseSource(source_name, text, has_function);
  }
};

namespace {

// Go keeps an existing definition when the new one is empty (only spaces).
void AddTree(TreeMap* templates, const std::string& name, std::shared_ptr<const Tree> tree) {
  auto it = templates->find(name);
  if (it != templates->end() && tree->IsEmpty()) return;
  (*templates)[name] = std::move(tree);
}

}  // namespace

Template::Template() : impl_(std::make_unique<Impl>()) {}
Template::~Template() = default;
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;

Result<Template> Template::Parse(std::string_view name, std::string_view text,
                                 const FuncMap& functions) {
  Template t;
  t.impl_->name = std::string(name);
  t.impl_->functions = functions;
  VIGIL_ASSIGN_OR_RETURN(ParsedSource parsed, t.impl_->ParseText(name, text));
  t.impl_->templates = std::move(parsed.defined);
  t.impl_->main = parsed.main;
  AddTree(&t.impl_->templates, t.impl_->name, std::move(parsed.main));
  return t;
}

Status Template::AddDefinitions(std::string_view source_name, std::string_view text) {
  VIGIL_ASSIGN_OR_RETURN(ParsedSource parsed, impl_->ParseText(source_name, text));
  for (auto& [name, tree] : parsed.defined) AddTree(&impl_->templates, name, std::move(tree));
  return Status::Ok();
}

Result<std::string> Template::Execute(const Value& dot, Escaping escaping) const {
  return ExecuteTree(*impl_->main, dot, ExecEnv{impl_->templates, impl_->functions, escaping});
}

Result<std::string> Template::ExecuteNamed(std::string_view name, const Value& dot,
                                           Escaping escaping) const {
  auto it = impl_->templates.find(name);
  if (it == impl_->templates.end()) {
    return InvalidArgument("template: no template \"" + std::string(name) +
                           "\" associated with template \"" + impl_->name + "\"");
  }
  return ExecuteTree(*it->second, dot, ExecEnv{impl_->templates, impl_->functions, escaping});
}

bool Template::HasNamed(std::string_view name) const {
  return impl_->templates.find(name) != impl_->templates.end();
}

Result<std::string> Template::ExecuteText(std::string_view text, const Value& dot,
                                          Escaping escaping) const {
  VIGIL_ASSIGN_OR_RETURN(ParsedSource parsed, impl_->ParseText("", text));
  if (parsed.defined.empty()) {
    return ExecuteTree(*parsed.main, dot, ExecEnv{impl_->templates, impl_->functions, escaping});
  }
  TreeMap templates = impl_->templates;
  for (auto& [name, tree] : parsed.defined) AddTree(&templates, name, std::move(tree));
  return ExecuteTree(*parsed.main, dot, ExecEnv{templates, impl_->functions, escaping});
}

}  // namespace vigil::tmpl
