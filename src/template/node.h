// The parse tree of a template, as Go's text/template/parse builds it.
// Nodes are immutable after parsing. String() renders a node back to
// template syntax for error messages ("executing ... at <.Foo>").
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigil/template/template.h"

namespace vigil::tmpl {

enum class NodeKind {
  kList,
  kText,
  kAction,
  kIf,
  kRange,
  kWith,
  kTemplate,
  kBreak,
  kContinue,
  kPipe,
  kCommand,
  kIdentifier,
  kVariable,
  kField,
  kChain,
  kDot,
  kNil,
  kBool,
  kNumber,
  kString,
};

struct Node {
  Node(NodeKind k, size_t p) : kind(k), pos(p) {}
  virtual ~Node() = default;
  virtual std::string String() const = 0;

  NodeKind kind;
  size_t pos;  // byte offset in the source, for line:column in errors
};
using NodePtr = std::unique_ptr<Node>;

struct ListNode : Node {
  explicit ListNode(size_t p) : Node(NodeKind::kList, p) {}
  std::string String() const override;
  std::vector<NodePtr> nodes;
};

struct TextNode : Node {
  TextNode(size_t p, std::string t) : Node(NodeKind::kText, p), text(std::move(t)) {}
  std::string String() const override;
  std::string text;
};

struct CommandNode : Node {
  explicit CommandNode(size_t p) : Node(NodeKind::kCommand, p) {}
  std::string String() const override;
  std::vector<NodePtr> args;  // args[0] is what is called or evaluated
};

struct PipeNode : Node {
  explicit PipeNode(size_t p) : Node(NodeKind::kPipe, p) {}
  std::string String() const override;
  bool is_assign = false;          // $x = ... rather than $x := ...
  std::vector<std::string> decl;   // declared or assigned variables, with '$'
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node {
  ActionNode(size_t p, std::unique_ptr<PipeNode> pi)
      : Node(NodeKind::kAction, p), pipe(std::move(pi)) {}
  std::string String() const override;
  std::unique_ptr<PipeNode> pipe;
};

// if, range and with.
struct BranchNode : Node {
  BranchNode(NodeKind k, size_t p) : Node(k, p) {}
  std::string String() const override;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
};

struct TemplateNode : Node {
  TemplateNode(size_t p, std::string n) : Node(NodeKind::kTemplate, p), name(std::move(n)) {}
  std::string String() const override;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null: dot is then nil
};

struct LoopControlNode : Node {  // break or continue
  LoopControlNode(NodeKind k, size_t p) : Node(k, p) {}
  std::string String() const override;
};

struct IdentifierNode : Node {  // a function name
  IdentifierNode(size_t p, std::string n) : Node(NodeKind::kIdentifier, p), name(std::move(n)) {}
  std::string String() const override { return name; }
  std::string name;
};

// $x.A.B (ident[0] is "$x") and .A.B.
struct FieldPathNode : Node {
  FieldPathNode(NodeKind k, size_t p, std::vector<std::string> i)
      : Node(k, p), ident(std::move(i)) {}
  std::string String() const override;
  std::vector<std::string> ident;
};

// (pipeline).A.B: fields of a term other than dot or a variable.
struct ChainNode : Node {
  ChainNode(size_t p, NodePtr n) : Node(NodeKind::kChain, p), node(std::move(n)) {}
  std::string String() const override;
  NodePtr node;
  std::vector<std::string> fields;  // without the dots
};

// dot, nil, true/false, numbers, strings and chars: the value is known.
struct ConstantNode : Node {
  ConstantNode(NodeKind k, size_t p, std::string t, Value v)
      : Node(k, p), text(std::move(t)), value(std::move(v)) {}
  std::string String() const override { return text; }
  std::string text;  // as written
  Value value;
};

// One parsed template: the main text or a {{define}}d one.
struct Tree {
  std::string name;        // the template's name
  std::string parse_name;  // the source it was parsed from, for errors
  std::shared_ptr<const std::string> source;
  std::unique_ptr<ListNode> root;

  // "NAME:LINE:COL" of a byte offset (COL 0-based as in Go).
  std::string Location(size_t pos) const;
  bool IsEmpty() const;  // only whitespace text: does not replace a definition
};

using TreeMap = std::map<std::string, std::shared_ptr<const Tree>, std::less<>>;

}  // namespace vigil::tmpl
