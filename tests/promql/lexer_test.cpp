#include "lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::promql {
namespace {

// "type:text" for each token up to and including EOF or an error.
std::vector<std::string> Lex(std::string_view input) {
  Lexer lex(input);
  std::vector<std::string> out;
  for (;;) {
    Token t = lex.Next();
    if (t.type == TokenType::kError) {
      out.push_back("error:" + t.error + "@" + std::to_string(t.pos));
      return out;
    }
    if (t.type == TokenType::kEof) return out;
    out.push_back(DescribeToken(t));
  }
}

TEST(Lexer, OperatorsAndPunctuation) {
  EXPECT_EQ(Lex("a+b-c*d/e%f^g"),
            (std::vector<std::string>{"identifier \"a\"", "<op:+>", "identifier \"b\"", "<op:->",
                                      "identifier \"c\"", "<op:*>", "identifier \"d\"", "<op:/>",
                                      "identifier \"e\"", "<op:%>", "identifier \"f\"", "<op:^>",
                                      "identifier \"g\""}));
  EXPECT_EQ(Lex("== != <= < >= >"),
            (std::vector<std::string>{"<op:==>", "<op:!=>", "<op:<=>", "<op:<>", "<op:>=>",
                                      "<op:>>"}));
  // As Prometheus 2.42 describes '@'.
  EXPECT_EQ(Lex("@"), (std::vector<std::string>{"\"<Item 57385>\" <op:@>"}));
  EXPECT_EQ(Lex("( ) , [5m]"),
            (std::vector<std::string>{"\"(\"", "\")\"", "\",\"", "\"[\"", "duration \"5m\"",
                                      "\"]\""}));
}

TEST(Lexer, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Lex("SUM By aNd Offset bool"),
            (std::vector<std::string>{"<aggr:SUM>", "<By>", "<op:aNd>", "<Offset>", "<bool>"}));
  EXPECT_EQ(Lex("Inf nan"), (std::vector<std::string>{"number \"Inf\"", "number \"nan\""}));
}

TEST(Lexer, InsideBracesKeywordsAreIdentifiers) {
  EXPECT_EQ(Lex("{by=\"x\",on!~'y'}"),
            (std::vector<std::string>{"\"{\"", "identifier \"by\"", "\"=\"", "string \"\\\"x\\\"\"",
                                      "\",\"", "identifier \"on\"", "<op:!~>",
                                      "string \"'y'\"", "\"}\""}));
}

TEST(Lexer, MetricIdentifierWithColon) {
  EXPECT_EQ(Lex("job:rate5m"), (std::vector<std::string>{"metric identifier \"job:rate5m\""}));
}

TEST(Lexer, Numbers) {
  EXPECT_EQ(Lex("1 0x1F 1e-3 .5 5."),
            (std::vector<std::string>{"number \"1\"", "number \"0x1F\"", "number \"1e-3\"",
                                      "number \".5\"", "number \"5.\""}));
  EXPECT_EQ(Lex("0deadbeef"),
            (std::vector<std::string>{"error:bad number or duration syntax: \"0de\"@0"}));
}

TEST(Lexer, Durations) {
  EXPECT_EQ(Lex("1h30m 1y2w3d 500ms"),
            (std::vector<std::string>{"duration \"1h30m\"", "duration \"1y2w3d\"",
                                      "duration \"500ms\""}));
  EXPECT_EQ(Lex("x[5]"), (std::vector<std::string>{"identifier \"x\"", "\"[\"",
                                                   "error:missing unit character in duration@2"}));
}

TEST(Lexer, SubqueryColonQuirk) {
  // Prometheus 2.42 takes any letter inside brackets for the colon.
  EXPECT_EQ(Lex("x[5m x]"), (std::vector<std::string>{"identifier \"x\"", "\"[\"",
                                                     "duration \"5m\"", "\"x\"", "\"]\""}));
}

TEST(Lexer, Strings) {
  EXPECT_EQ(Lex(R"("a\"b" 'c\'d' `e\f`)"),
            (std::vector<std::string>{"string \"\\\"a\\\\\\\"b\\\"\"", "string \"'c\\\\'d'\"",
                                      "string \"`e\\\\f`\""}));
  EXPECT_EQ(Lex(R"("\c")"),
            (std::vector<std::string>{"error:unknown escape sequence U+0063 'c'@0"}));
  EXPECT_EQ(Lex("\"abc"), (std::vector<std::string>{"error:unterminated quoted string@0"}));
  EXPECT_EQ(Lex("`abc"), (std::vector<std::string>{"error:unterminated raw string@0"}));
  EXPECT_EQ(Lex("\"\xff\""), (std::vector<std::string>{"error:invalid UTF-8 rune@0"}));
}

TEST(Lexer, CommentsRunToEndOfLine) {
  EXPECT_EQ(Lex("a # comment\nb"),
            (std::vector<std::string>{"identifier \"a\"", "comment \"# comment\"",
                                      "identifier \"b\""}));
}

TEST(Lexer, UnbalancedDelimiters) {
  EXPECT_EQ(Lex("(a"), (std::vector<std::string>{"\"(\"", "identifier \"a\"",
                                                 "error:unclosed left parenthesis@2"}));
  EXPECT_EQ(Lex("a)"), (std::vector<std::string>{"identifier \"a\"",
                                                 "error:unexpected right parenthesis ')'@2"}));
  EXPECT_EQ(Lex("{a"), (std::vector<std::string>{"\"{\"", "identifier \"a\"",
                                                 "error:unexpected end of input inside braces@2"}));
}

}  // namespace
}  // namespace vigil::promql
