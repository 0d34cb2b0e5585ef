#include "node.h"

#include <algorithm>

namespace vigil::tmpl {
namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// A pipeline used as an operand prints in parentheses.
std::string OperandString(const Node& node) {
  if (node.kind == NodeKind::kPipe) return "(" + node.String() + ")";
  return node.String();
}

}  // namespace

std::string ListNode::String() const {
  std::string out;
  for (const auto& node : nodes) out += node->String();
  return out;
}

std::string TextNode::String() const { return text; }

std::string CommandNode::String() const {
  std::vector<std::string> parts;
  for (const auto& arg : args) parts.push_back(OperandString(*arg));
  return Join(parts, " ");
}

std::string PipeNode::String() const {
  std::string out;
  if (!decl.empty()) out = Join(decl, ", ") + (is_assign ? " = " : " := ");
  std::vector<std::string> parts;
  for (const auto& cmd : cmds) parts.push_back(cmd->String());
  return out + Join(parts, " | ");
}

std::string ActionNode::String() const { return "{{" + pipe->String() + "}}"; }

std::string BranchNode::String() const {
  std::string keyword = kind == NodeKind::kIf ? "if" : kind == NodeKind::kRange ? "range" : "with";
  std::string out = "{{" + keyword + " " + pipe->String() + "}}" + list->String();
  if (else_list) out += "{{else}}" + else_list->String();
  return out + "{{end}}";
}

std::string TemplateNode::String() const {
  std::string out = "{{template \"" + name + "\"";
  if (pipe) out += " " + pipe->String();
  return out + "}}";
}

std::string LoopControlNode::String() const {
  return kind == NodeKind::kBreak ? "{{break}}" : "{{continue}}";
}

std::string FieldPathNode::String() const {
  return kind == NodeKind::kField ? "." + Join(ident, ".") : Join(ident, ".");
}

std::string ChainNode::String() const {
  std::string out = OperandString(*node);
  for (const auto& field : fields) out += "." + field;
  return out;
}

std::string Tree::Location(size_t pos) const {
  std::string_view text(*source);
  pos = std::min(pos, text.size());
  std::string_view before = text.substr(0, pos);
  int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  size_t last_newline = before.rfind('\n');
  size_t column = last_newline == std::string_view::npos ? pos : pos - last_newline - 1;
  return parse_name + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool Tree::IsEmpty() const {
  for (const auto& node : root->nodes) {
    if (node->kind != NodeKind::kText) return false;
    const auto& text = static_cast<const TextNode&>(*node).text;
    if (text.find_first_not_of(" \t\r\n") != std::string::npos) return false;
  }
  return true;
}

}  // namespace vigil::tmpl
