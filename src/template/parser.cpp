#include "parser.h"

#include <algorithm>

#include "lexer.h"
#include "literal.h"

namespace vigil::tmpl {
namespace {

// Bounds the nesting of parentheses and control structures, so that a
// hostile template cannot exhaust the parser's (or executor's) stack.
constexpr int kMaxNestingDepth = 1000;

// What TextOrAction found: a node, or the {{end}} / {{else}} closing a list.
struct Item {
  enum Kind { kNode, kEnd, kElse } kind = kNode;
  NodePtr node;
  size_t pos = 0;
};

std::string ItemString(const Item& item) {
  return item.kind == Item::kEnd ? "{{end}}" : item.kind == Item::kElse ? "{{else}}" : "";
}

class Parser {
 public:
  Parser(std::string_view name, std::shared_ptr<const std::string> source,
         std::vector<Token> tokens, const std::function<bool(std::string_view)>& has_function)
      : name_(name), source_(std::move(source)), tokens_(std::move(tokens)),
        has_function_(has_function) {}

  Result<ParsedSource> Run() {
    auto main = NewTree(name_);
    main->root = std::make_unique<ListNode>(0);
    while (Peek().kind != TokenKind::kEof) {
      if (Peek().kind == TokenKind::kLeftDelim) {
        size_t save = index_;
        Next();
        if (NextNonSpace().kind == TokenKind::kDefine) {
          VIGIL_RETURN_IF_ERROR(ParseDefinition());
          continue;
        }
        index_ = save;
      }
      VIGIL_ASSIGN_OR_RETURN(Item item, TextOrAction());
      if (item.kind != Item::kNode) return Error("unexpected " + ItemString(item));
      main->root->nodes.push_back(std::move(item.node));
    }
    ParsedSource result;
    result.main = std::move(main);
    result.defined = std::move(defined_);
    return result;
  }

 private:
  std::unique_ptr<Tree> NewTree(std::string name) const {
    auto tree = std::make_unique<Tree>();
    tree->name = std::move(name);
    tree->parse_name = name_;
    tree->source = source_;
    return tree;
  }

  // Reading past the end keeps returning the final kEof or kError token.
  const Token& At(size_t i) const { return tokens_[std::min(i, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& token = At(index_++);
    last_line_ = token.line;
    return token;
  }
  const Token& Peek() const { return At(index_); }
  void Backup() { --index_; }
  const Token& NextNonSpace() {
    while (Peek().kind == TokenKind::kSpace) Next();
    return Next();
  }
  const Token& PeekNonSpace() {
    while (Peek().kind == TokenKind::kSpace) Next();
    return Peek();
  }

  Status Error(const std::string& message) const {
    return InvalidArgument("template: " + name_ + ":" + std::to_string(last_line_) + ": " +
                           message);
  }
  Status Unexpected(const Token& token, std::string_view context) const {
    if (token.kind == TokenKind::kError) return Error(token.error);
    return Error("unexpected " + DescribeToken(token) + " in " + std::string(context));
  }
  Status Expect(TokenKind kind, std::string_view context) {
    const Token& token = NextNonSpace();
    if (token.kind != kind) return Unexpected(token, context);
    return Status::Ok();
  }

  // Defines and blocks start with their own variable scope ($ only) and
  // outside any range.
  struct Scope {
    std::vector<std::string> vars;
    int range_depth;
  };
  Scope EnterTemplateScope() {
    Scope saved{std::move(vars_), range_depth_};
    vars_ = {"$"};
    range_depth_ = 0;
    return saved;
  }
  void LeaveTemplateScope(Scope saved) {
    vars_ = std::move(saved.vars);
    range_depth_ = saved.range_depth;
  }

  // Go adds a definition unless it is empty and one exists; two non-empty
  // definitions in one source are an error.
  Status AddDefinition(std::unique_ptr<Tree> tree) {
    auto it = defined_.find(tree->name);
    if (it == defined_.end() || it->second->IsEmpty()) {
      std::string name = tree->name;
      defined_[name] = std::move(tree);
      return Status::Ok();
    }
    if (!tree->IsEmpty()) {
      return Error("template: multiple definition of template \"" + tree->name + "\"");
    }
    return Status::Ok();
  }

  Result<std::string> TemplateName(const Token& token, std::string_view context) {
    if (token.kind != TokenKind::kString && token.kind != TokenKind::kRawString) {
      return Unexpected(token, context);
    }
    auto name = UnquoteGo(token.text);
    if (!name.ok()) return Error(name.status().message());
    return *name;
  }

  Status ParseDefinition() {
    constexpr std::string_view kContext = "define clause";
    const Token& token = NextNonSpace();
    VIGIL_ASSIGN_OR_RETURN(std::string name, TemplateName(token, kContext));
    VIGIL_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, kContext));
    Scope saved = EnterTemplateScope();
    auto tree = NewTree(name);
    Item end;
    VIGIL_ASSIGN_OR_RETURN(tree->root, ItemList(&end));
    LeaveTemplateScope(std::move(saved));
    if (end.kind != Item::kEnd) return Error("unexpected " + ItemString(end) + " in " + std::string(kContext));
    return AddDefinition(std::move(tree));
  }

  // Nodes up to the {{end}} or {{else}} that closes them (stored in *end).
  Result<std::unique_ptr<ListNode>> ItemList(Item* end) {
    auto list = std::make_unique<ListNode>(PeekNonSpace().pos);
    while (PeekNonSpace().kind != TokenKind::kEof) {
      VIGIL_ASSIGN_OR_RETURN(Item item, TextOrAction());
      if (item.kind != Item::kNode) {
        *end = std::move(item);
        return list;
      }
      list->nodes.push_back(std::move(item.node));
    }
    return Error("unexpected EOF");
  }

  Result<Item> TextOrAction() {
    const Token& token = NextNonSpace();
    if (token.kind == TokenKind::kText) {
      return Item{Item::kNode, std::make_unique<TextNode>(token.pos, std::string(token.text)),
                  token.pos};
    }
    if (token.kind == TokenKind::kLeftDelim) return Action();
    return Unexpected(token, "input");
  }

  static Item NodeItem(NodePtr node) {
    size_t pos = node->pos;
    return Item{Item::kNode, std::move(node), pos};
  }

  Result<Item> Action() {
    const Token& token = NextNonSpace();
    switch (token.kind) {
      case TokenKind::kBlock: return BlockControl();
      case TokenKind::kBreak:
      case TokenKind::kContinue: {
        bool is_break = token.kind == TokenKind::kBreak;
        std::string keyword = is_break ? "{{break}}" : "{{continue}}";
        size_t pos = token.pos;
        VIGIL_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, keyword));
        if (range_depth_ == 0) return Error(keyword + " outside {{range}}");
        return NodeItem(std::make_unique<LoopControlNode>(
            is_break ? NodeKind::kBreak : NodeKind::kContinue, pos));
      }
      case TokenKind::kElse: {
        size_t pos = token.pos;
        if (PeekNonSpace().kind == TokenKind::kIf) return Item{Item::kElse, nullptr, pos};
        VIGIL_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, "else"));
        return Item{Item::kElse, nullptr, pos};
      }
      case TokenKind::kEnd: {
        size_t pos = token.pos;
        VIGIL_RETURN_IF_ERROR(Expect(TokenKind::kRightDelim, "end"));
        return Item{Item::kEnd, nullptr, pos};
      }
      case TokenKind::kIf: return Control(NodeKind::kIf, "if");
      case TokenKind::kRange: return Control(NodeKind::kRange, "range");
      case TokenKind::kWith: return Control(NodeKind::kWith, "with");
      case TokenKind::kTemplate: return TemplateControl();
      default: break;
    }
    Backup();
    size_t pos = Peek().pos;
    VIGIL_ASSIGN_OR_RETURN(auto pipe, Pipeline("command", TokenKind::kRightDelim));
    return NodeItem(std::make_unique<ActionNode>(pos, std::move(pipe)));
  }

  // Counts one level of nesting for as long as it lives.
  class NestingGuard {
   public:
    explicit NestingGuard(int* depth) : depth_(depth) { ++*depth_; }
    ~NestingGuard() { --*depth_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    int* depth_;
  };

  Result<Item> Control(NodeKind kind, std::string_view context) {
    NestingGuard guard(&nesting_depth_);
    if (nesting_depth_ > kMaxNestingDepth) return Error("max expression depth exceeded");
    size_t saved_vars = vars_.size();
    auto node = std::make_unique<BranchNode>(kind, 0);
    VIGIL_ASSIGN_OR_RETURN(node->pipe, Pipeline(context, TokenKind::kRightDelim));
    node->pos = node->pipe->pos;
    if (kind == NodeKind::kRange) ++range_depth_;
    Item next;
    VIGIL_ASSIGN_OR_RETURN(node->list, ItemList(&next));
    if (kind == NodeKind::kRange) --range_depth_;
    if (next.kind == Item::kElse) {
      if (kind == NodeKind::kIf && Peek().kind == TokenKind::kIf) {
        // {{else if ...}}: a nested if that shares this one's {{end}}.
        Next();
        node->else_list = std::make_unique<ListNode>(next.pos);
        VIGIL_ASSIGN_OR_RETURN(Item nested, Control(NodeKind::kIf, "if"));
        node->else_list->nodes.push_back(std::move(nested.node));
      } else {
        VIGIL_ASSIGN_OR_RETURN(node->else_list, ItemList(&next));
        if (next.kind != Item::kEnd) return Error("expected end; found " + ItemString(next));
      }
    }
    vars_.resize(saved_vars);
    return NodeItem(std::move(node));
  }

  Result<Item> TemplateControl() {
    constexpr std::string_view kContext = "template clause";
    const Token& token = NextNonSpace();
    size_t pos = token.pos;
    VIGIL_ASSIGN_OR_RETURN(std::string name, TemplateName(token, kContext));
    auto node = std::make_unique<TemplateNode>(pos, std::move(name));
    if (NextNonSpace().kind != TokenKind::kRightDelim) {
      Backup();
      VIGIL_ASSIGN_OR_RETURN(node->pipe, Pipeline(kContext, TokenKind::kRightDelim));
    }
    return NodeItem(std::move(node));
  }

  // {{block "name" pipeline}} body {{end}}: defines "name" and calls it.
  Result<Item> BlockControl() {
    constexpr std::string_view kContext = "block clause";
    const Token& token = NextNonSpace();
    size_t pos = token.pos;
    VIGIL_ASSIGN_OR_RETURN(std::string name, TemplateName(token, kContext));
    auto node = std::make_unique<TemplateNode>(pos, name);
    VIGIL_ASSIGN_OR_RETURN(node->pipe, Pipeline(kContext, TokenKind::kRightDelim));
    Scope saved = EnterTemplateScope();
    auto tree = NewTree(name);
    Item end;
    VIGIL_ASSIGN_OR_RETURN(tree->root, ItemList(&end));
    LeaveTemplateScope(std::move(saved));
    if (end.kind != Item::kEnd) return Error("unexpected " + ItemString(end) + " in " + std::string(kContext));
    VIGIL_RETURN_IF_ERROR(AddDefinition(std::move(tree)));
    return NodeItem(std::move(node));
  }

  Result<std::unique_ptr<PipeNode>> Pipeline(std::string_view context, TokenKind end) {
    auto pipe = std::make_unique<PipeNode>(PeekNonSpace().pos);
    // Declarations: "$x :=", "$x =", and in range "$i, $v :=".
    while (PeekNonSpace().kind == TokenKind::kVariable) {
      size_t variable_index = index_;
      const Token& variable = Next();
      const Token& next = PeekNonSpace();
      if (next.kind == TokenKind::kAssign || next.kind == TokenKind::kDeclare) {
        pipe->is_assign = next.kind == TokenKind::kAssign;
        Next();
        pipe->decl.emplace_back(variable.text);
        vars_.emplace_back(variable.text);
        break;
      }
      if (next.kind == TokenKind::kComma) {
        Next();
        pipe->decl.emplace_back(variable.text);
        vars_.emplace_back(variable.text);
        if (context == "range" && pipe->decl.size() < 2) {
          TokenKind after = PeekNonSpace().kind;
          if (after == TokenKind::kVariable || after == TokenKind::kRightDelim ||
              after == TokenKind::kRightParen) {
            continue;
          }
          return Error("range can only initialize variables");
        }
        return Error("too many declarations in " + std::string(context));
      }
      index_ = variable_index;  // an operand, not a declaration
      break;
    }
    while (true) {
      const Token& token = NextNonSpace();
      if (token.kind == end) {
        VIGIL_RETURN_IF_ERROR(CheckPipeline(*pipe, context));
        return pipe;
      }
      switch (token.kind) {
        case TokenKind::kBool: case TokenKind::kChar: case TokenKind::kDot:
        case TokenKind::kField: case TokenKind::kIdentifier: case TokenKind::kNumber:
        case TokenKind::kNil: case TokenKind::kRawString: case TokenKind::kString:
        case TokenKind::kVariable: case TokenKind::kLeftParen: {
          Backup();
          VIGIL_ASSIGN_OR_RETURN(auto command, Command());
          pipe->cmds.push_back(std::move(command));
          break;
        }
        default:
          return Unexpected(token, context);
      }
    }
  }

  Status CheckPipeline(const PipeNode& pipe, std::string_view context) const {
    if (pipe.cmds.empty()) return Error("missing value for " + std::string(context));
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->kind) {
        case NodeKind::kBool: case NodeKind::kDot: case NodeKind::kNil:
        case NodeKind::kNumber: case NodeKind::kString:
          return Error("non executable command in pipeline stage " + std::to_string(i + 1));
        default: break;
      }
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<CommandNode>> Command() {
    auto command = std::make_unique<CommandNode>(PeekNonSpace().pos);
    while (true) {
      PeekNonSpace();
      VIGIL_ASSIGN_OR_RETURN(NodePtr operand, Operand());
      if (operand) command->args.push_back(std::move(operand));
      const Token& token = Next();
      if (token.kind == TokenKind::kSpace) continue;
      if (token.kind == TokenKind::kRightDelim || token.kind == TokenKind::kRightParen) {
        Backup();
      } else if (token.kind != TokenKind::kPipe) {
        return Unexpected(token, "operand");
      }
      break;
    }
    if (command->args.empty()) return Error("empty command");
    return command;
  }

  Result<NodePtr> Operand() {
    VIGIL_ASSIGN_OR_RETURN(NodePtr node, Term());
    if (!node || Peek().kind != TokenKind::kField) return node;
    std::vector<std::string> fields;
    size_t pos = Peek().pos;
    while (Peek().kind == TokenKind::kField) fields.emplace_back(Next().text.substr(1));
    switch (node->kind) {
      case NodeKind::kField:
      case NodeKind::kVariable: {
        // Go positions the merged node at its first chained field.
        auto* path = static_cast<FieldPathNode*>(node.get());
        path->ident.insert(path->ident.end(), fields.begin(), fields.end());
        path->pos = pos;
        return node;
      }
      case NodeKind::kBool: case NodeKind::kString: case NodeKind::kNumber:
      case NodeKind::kNil: case NodeKind::kDot:
        return Error("unexpected . after term \"" + node->String() + "\"");
      default: {
        auto chain = std::make_unique<ChainNode>(pos, std::move(node));
        chain->fields = std::move(fields);
        return NodePtr(std::move(chain));
      }
    }
  }

  Result<NodePtr> Term() {
    const Token& token = NextNonSpace();
    std::string text(token.text);
    switch (token.kind) {
      case TokenKind::kIdentifier:
        if (!has_function_(text)) return Error("function \"" + text + "\" not defined");
        return NodePtr(std::make_unique<IdentifierNode>(token.pos, text));
      case TokenKind::kDot:
        return NodePtr(std::make_unique<ConstantNode>(NodeKind::kDot, token.pos, text, Value()));
      case TokenKind::kNil:
        return NodePtr(std::make_unique<ConstantNode>(NodeKind::kNil, token.pos, text, Value()));
      case TokenKind::kVariable:
        for (const std::string& name : vars_) {
          if (name == text) {
            return NodePtr(std::make_unique<FieldPathNode>(NodeKind::kVariable, token.pos,
                                                           std::vector<std::string>{text}));
          }
        }
        return Error("undefined variable \"" + text + "\"");
      case TokenKind::kField:
        return NodePtr(std::make_unique<FieldPathNode>(
            NodeKind::kField, token.pos, std::vector<std::string>{text.substr(1)}));
      case TokenKind::kBool:
        return NodePtr(
            std::make_unique<ConstantNode>(NodeKind::kBool, token.pos, text, Value(text == "true")));
      case TokenKind::kChar:
      case TokenKind::kNumber: {
        auto number = ParseNumberLiteral(text);
        if (!number.ok()) return Error(number.status().message());
        return NodePtr(
            std::make_unique<ConstantNode>(NodeKind::kNumber, token.pos, text, std::move(*number)));
      }
      case TokenKind::kLeftParen: {
        NestingGuard guard(&nesting_depth_);
        if (nesting_depth_ > kMaxNestingDepth) return Error("max expression depth exceeded");
        VIGIL_ASSIGN_OR_RETURN(auto pipe, Pipeline("parenthesized pipeline", TokenKind::kRightParen));
        return NodePtr(std::move(pipe));
      }
      case TokenKind::kString:
      case TokenKind::kRawString: {
        auto value = UnquoteGo(text);
        if (!value.ok()) return Error(value.status().message());
        return NodePtr(std::make_unique<ConstantNode>(NodeKind::kString, token.pos, text,
                                                      Value(std::move(*value))));
      }
      default:
        Backup();
        return NodePtr();
    }
  }

  std::string name_;
  std::shared_ptr<const std::string> source_;
  std::vector<Token> tokens_;
  const std::function<bool(std::string_view)>& has_function_;
  size_t index_ = 0;
  int last_line_ = 1;
  std::vector<std::string> vars_ = {"$"};
  int range_depth_ = 0;
  int nesting_depth_ = 0;
  TreeMap defined_;
};

}  // namespace

Result<ParsedSource> ParseSource(std::string_view name, std::string_view text,
                                 const std::function<bool(std::string_view)>& has_function) {
  auto source = std::make_shared<const std::string>(text);
  return Parser(name, source, Lex(*source), has_function).Run();
}

}  // namespace vigil::tmpl
