#include "exec.h"

#include <optional>

#include "builtins.h"
#include "escape.h"
#include "function_args.h"
#include "printf.h"

namespace vigil::tmpl {
namespace {

// Bounds {{template}} recursion well below what the stack holds (Go allows
// 100000 frames of its growable stacks).
constexpr int kMaxTemplateDepth = 1000;

enum class Flow { kNormal, kBreak, kContinue };

class Executor {
 public:
  Executor(const ExecEnv& env, std::string* out) : env_(env), out_(out) {}

  Status Run(const Tree& tree, const Value& dot) {
    tree_ = &tree;
    vars_ = {{"$", dot}};
    auto flow = Walk(dot, *tree.root);
    return flow.ok() ? Status::Ok() : flow.status();
  }

 private:
  using Final = std::optional<Value>;  // the previous command's result, if any
  using Args = std::span<const NodePtr>;

  Status Error(const Node& at, const std::string& message) const {
    return InvalidArgument("template: " + tree_->Location(at.pos) + ": executing \"" +
                           tree_->name + "\" at <" + at.String() + ">: " + message);
  }

  Result<Flow> Walk(const Value& dot, const Node& node) {
    switch (node.kind) {
      case NodeKind::kText:
        out_->append(static_cast<const TextNode&>(node).text);
        return Flow::kNormal;
      case NodeKind::kAction: {
        const auto& action = static_cast<const ActionNode&>(node);
        VIGIL_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *action.pipe));
        if (action.pipe->decl.empty()) Print(value);
        return Flow::kNormal;
      }
      case NodeKind::kList:
        for (const auto& child : static_cast<const ListNode&>(node).nodes) {
          VIGIL_ASSIGN_OR_RETURN(Flow flow, Walk(dot, *child));
          if (flow != Flow::kNormal) return flow;
        }
        return Flow::kNormal;
      case NodeKind::kIf:
      case NodeKind::kWith:
        return WalkIfOrWith(dot, static_cast<const BranchNode&>(node));
      case NodeKind::kRange:
        return WalkRange(dot, static_cast<const BranchNode&>(node));
      case NodeKind::kTemplate:
        VIGIL_RETURN_IF_ERROR(WalkTemplate(dot, static_cast<const TemplateNode&>(node)));
        return Flow::kNormal;
      case NodeKind::kBreak:
        return Flow::kBreak;
      case NodeKind::kContinue:
        return Flow::kContinue;
      default:
        return Error(node, "unknown node");
    }
  }

  void Print(const Value& value) {
    if (env_.escaping == Escaping::kHtml) {
      if (const SafeHtml* safe = AsSafeHtml(value)) {
        out_->append(safe->html());
      } else if (!value.is_nil()) {
        out_->append(HtmlTemplateEscape(value.ToString()));
      }
      return;
    }
    out_->append(value.is_nil() ? "<no value>" : value.ToString());
  }

  Result<Flow> WalkIfOrWith(const Value& dot, const BranchNode& node) {
    size_t mark = vars_.size();
    VIGIL_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *node.pipe));
    Result<Flow> flow = Flow::kNormal;
    if (value.Truthy()) {
      flow = Walk(node.kind == NodeKind::kWith ? value : dot, *node.list);
    } else if (node.else_list) {
      flow = Walk(dot, *node.else_list);
    }
    vars_.resize(mark);
    return flow;
  }

  // One pass of a range body with $i/$v set; false stops the loop.
  Result<bool> RangeIteration(const BranchNode& node, const Value& index, const Value& elem) {
    const auto& decl = node.pipe->decl;
    if (!decl.empty()) vars_.back().second = elem;
    if (decl.size() > 1) vars_[vars_.size() - 2].second = index;
    size_t mark = vars_.size();
    auto flow = Walk(elem, *node.list);
    vars_.resize(mark);
    if (!flow.ok()) return flow.status();
    return *flow != Flow::kBreak;
  }

  Result<Flow> WalkRange(const Value& dot, const BranchNode& node) {
    size_t mark = vars_.size();
    VIGIL_ASSIGN_OR_RETURN(Value value, EvalPipeline(dot, *node.pipe));
    value = ElementsOf(value);
    bool iterated = false;
    if (value.is_list()) {
      const List& list = value.as_list();
      for (size_t i = 0; i < list.size(); ++i) {
        iterated = true;
        VIGIL_ASSIGN_OR_RETURN(bool more, RangeIteration(node, Value(static_cast<int64_t>(i)), list[i]));
        if (!more) break;
      }
    } else if (value.is_map()) {
      for (const auto& [key, elem] : value.as_map()) {
        iterated = true;
        VIGIL_ASSIGN_OR_RETURN(bool more, RangeIteration(node, Value(key), elem));
        if (!more) break;
      }
    } else if (!value.is_nil()) {
      return Error(node, "range can't iterate over " + value.ToString());
    }
    Result<Flow> flow = Flow::kNormal;
    if (!iterated && node.else_list) flow = Walk(dot, *node.else_list);
    vars_.resize(mark);
    if (!flow.ok()) return flow;
    return Flow::kNormal;
  }

  Status WalkTemplate(const Value& dot, const TemplateNode& node) {
    auto it = env_.templates.find(node.name);
    if (it == env_.templates.end()) {
      return Error(node, "template \"" + node.name + "\" not defined");
    }
    if (depth_ >= kMaxTemplateDepth) {
      return Error(node, "exceeded maximum template depth (" + std::to_string(kMaxTemplateDepth) +
                             ")");
    }
    Value new_dot;
    if (node.pipe) {
      VIGIL_ASSIGN_OR_RETURN(new_dot, EvalPipeline(dot, *node.pipe));
    }
    const Tree* saved_tree = tree_;
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    tree_ = it->second.get();
    vars_ = {{"$", new_dot}};
    ++depth_;
    auto flow = Walk(new_dot, *tree_->root);
    --depth_;
    tree_ = saved_tree;
    vars_ = std::move(saved_vars);
    return flow.ok() ? Status::Ok() : flow.status();
  }

  Result<Value> EvalPipeline(const Value& dot, const PipeNode& pipe) {
    Final final;
    Value value;
    for (const auto& cmd : pipe.cmds) {
      VIGIL_ASSIGN_OR_RETURN(value, EvalCommand(dot, *cmd, final));
      final = value;
    }
    for (const std::string& name : pipe.decl) {
      if (pipe.is_assign) {
        VIGIL_RETURN_IF_ERROR(SetVar(pipe, name, value));
      } else {
        vars_.emplace_back(name, value);
      }
    }
    return value;
  }

  Status SetVar(const Node& at, const std::string& name, const Value& value) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = value;
        return Status::Ok();
      }
    }
    return Error(at, "undefined variable: " + name);
  }

  Result<Value> VarValue(const Node& at, const std::string& name) const {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return Error(at, "undefined variable: " + name);
  }

  Status NotAFunction(const Node& at, Args args, const Final& final) const {
    if (args.size() > 1 || final) {
      return Error(at, "can't give argument to non-function " + args[0]->String());
    }
    return Status::Ok();
  }

  Result<Value> EvalCommand(const Value& dot, const CommandNode& cmd, const Final& final) {
    const Node& first = *cmd.args[0];
    Args args(cmd.args);
    switch (first.kind) {
      case NodeKind::kField: {
        const auto& field = static_cast<const FieldPathNode&>(first);
        return EvalFieldChain(dot, dot, field, field.ident, args, final);
      }
      case NodeKind::kChain:
        return EvalChain(dot, static_cast<const ChainNode&>(first), args, final);
      case NodeKind::kIdentifier:
        return EvalFunction(dot, static_cast<const IdentifierNode&>(first), cmd, args, final);
      case NodeKind::kPipe:
        VIGIL_RETURN_IF_ERROR(NotAFunction(first, args, final));
        return EvalPipeline(dot, static_cast<const PipeNode&>(first));
      case NodeKind::kVariable:
        return EvalVariable(dot, static_cast<const FieldPathNode&>(first), args, final);
      default:
        break;
    }
    VIGIL_RETURN_IF_ERROR(NotAFunction(first, args, final));
    switch (first.kind) {
      case NodeKind::kDot: return dot;
      case NodeKind::kNil: return Error(first, "nil is not a command");
      default: return static_cast<const ConstantNode&>(first).value;
    }
  }

  Result<Value> EvalArg(const Value& dot, const Node& node) {
    switch (node.kind) {
      case NodeKind::kDot: return dot;
      case NodeKind::kNil: return Value();
      case NodeKind::kField: {
        const auto& field = static_cast<const FieldPathNode&>(node);
        return EvalFieldChain(dot, dot, field, field.ident, {}, std::nullopt);
      }
      case NodeKind::kVariable:
        return EvalVariable(dot, static_cast<const FieldPathNode&>(node), {}, std::nullopt);
      case NodeKind::kPipe: return EvalPipeline(dot, static_cast<const PipeNode&>(node));
      case NodeKind::kIdentifier: {
        const auto& ident = static_cast<const IdentifierNode&>(node);
        return EvalFunction(dot, ident, ident, {}, std::nullopt);
      }
      case NodeKind::kChain:
        return EvalChain(dot, static_cast<const ChainNode&>(node), {}, std::nullopt);
      default: return static_cast<const ConstantNode&>(node).value;
    }
  }

  Result<Value> EvalVariable(const Value& dot, const FieldPathNode& node, Args args,
                             const Final& final) {
    VIGIL_ASSIGN_OR_RETURN(Value value, VarValue(node, node.ident[0]));
    if (node.ident.size() == 1) {
      VIGIL_RETURN_IF_ERROR(NotAFunction(node, args, final));
      return value;
    }
    return EvalFieldChain(dot, value, node, std::span(node.ident).subspan(1), args, final);
  }

  Result<Value> EvalChain(const Value& dot, const ChainNode& chain, Args args, const Final& final) {
    if (chain.node->kind == NodeKind::kNil) {
      return Error(chain, "indirection through explicit nil in " + chain.String());
    }
    VIGIL_ASSIGN_OR_RETURN(Value receiver, EvalArg(dot, *chain.node));
    return EvalFieldChain(dot, receiver, chain, chain.fields, args, final);
  }

  // .A.B.C: the arguments go to the last field (a method call on an object).
  Result<Value> EvalFieldChain(const Value& dot, Value receiver, const Node& node,
                               std::span<const std::string> idents, Args args, const Final& final) {
    for (size_t i = 0; i + 1 < idents.size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(receiver, EvalField(dot, idents[i], node, {}, std::nullopt, receiver));
    }
    return EvalField(dot, idents.back(), node, args, final, receiver);
  }

  Result<Value> EvalField(const Value& dot, const std::string& name, const Node& node, Args args,
                          const Final& final, const Value& receiver) {
    // Go gives the zero value for a field of a nil interface (missingkey=default).
    if (receiver.is_nil()) return Value();
    bool has_args = args.size() > 1 || final;
    if (receiver.is_map()) {
      if (has_args) return Error(node, name + " is not a method but has arguments");
      const Map& map = receiver.as_map();
      auto it = map.find(name);
      return it != map.end() ? it->second : MissingKeyValue(map);
    }
    if (receiver.is_object()) {
      const Object& object = receiver.as_object();
      if (!has_args) {
        std::optional<Value> field = object.Field(name);
        if (field) return *std::move(field);
        // A map type with methods (Alertmanager's KV): its keys are fields.
        if (const Map* map = object.AsMap()) {
          auto it = map->find(name);
          return it != map->end() ? it->second : MissingKeyValue(*map);
        }
        return Error(node, "can't evaluate field " + name + " in type object");
      }
      VIGIL_ASSIGN_OR_RETURN(std::vector<Value> argv, EvalArgs(dot, args, final));
      auto result = object.Call(name, argv);
      if (!result.ok()) return CallError(node, name, result.status());
      return result;
    }
    return Error(node, "can't evaluate field " + name + " in type " + GoTypeName(receiver));
  }

  Result<std::vector<Value>> EvalArgs(const Value& dot, Args args, const Final& final) {
    std::vector<Value> argv;
    for (size_t i = 1; i < args.size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(Value v, EvalArg(dot, *args[i]));
      argv.push_back(std::move(v));
    }
    if (final) argv.push_back(*final);
    return argv;
  }

  Status CallError(const Node& at, const std::string& name, const Status& status) const {
    if (IsArgumentError(status)) return Error(at, status.message());
    return Error(at, "error calling " + name + ": " + status.message());
  }

  const Function* FindFunction(const std::string& name) const {
    auto it = env_.functions.find(name);
    if (it != env_.functions.end()) return &it->second;
    const FuncMap& builtins = BuiltinFunctions();
    auto builtin = builtins.find(name);
    return builtin != builtins.end() ? &builtin->second : nullptr;
  }

  Result<Value> EvalFunction(const Value& dot, const IdentifierNode& ident, const Node& cmd,
                             Args args, const Final& final) {
    const std::string& name = ident.name;
    const Function* function = FindFunction(name);
    if (!function && (name == "and" || name == "or")) return EvalAndOr(dot, ident, args, final);
    if (!function) return Error(ident, "\"" + name + "\" is not a defined function");
    VIGIL_ASSIGN_OR_RETURN(std::vector<Value> argv, EvalArgs(dot, args, final));
    auto result = (*function)(argv);
    if (!result.ok()) return CallError(cmd, name, result.status());
    return result;
  }

  // Go's and/or stop at the first argument that decides the result.
  Result<Value> EvalAndOr(const Value& dot, const IdentifierNode& ident, Args args,
                          const Final& final) {
    bool is_or = ident.name == "or";
    if (args.size() < 2 && !final) {
      return Error(ident, "wrong number of args for " + ident.name + ": want at least 1 got 0");
    }
    Value value;
    for (size_t i = 1; i < args.size(); ++i) {
      VIGIL_ASSIGN_OR_RETURN(value, EvalArg(dot, *args[i]));
      if (value.Truthy() == is_or) return value;
    }
    if (final) value = *final;
    return value;
  }

  const ExecEnv& env_;
  std::string* out_;
  const Tree* tree_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;  // innermost last
  int depth_ = 0;
};

}  // namespace

Result<std::string> ExecuteTree(const Tree& tree, const Value& dot, const ExecEnv& env) {
  std::string out;
  VIGIL_RETURN_IF_ERROR(Executor(env, &out).Run(tree, dot));
  return out;
}

}  // namespace vigil::tmpl
