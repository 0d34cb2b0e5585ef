#include "regexp.h"

#include <re2/re2.h>

#include <memory>
#include <vector>

namespace vigil::tmpl {
namespace {

Result<std::unique_ptr<RE2>> Compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return InvalidArgument("error parsing regexp: " + re->error());
  return re;
}

bool IsNameByte(char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Go's Regexp.Expand: $name or ${name} is the submatch with that number or
// name (empty when there is none), $$ is a literal $.
void Expand(const RE2& re, std::string_view repl, const std::vector<re2::StringPiece>& groups,
            std::string* out) {
  const auto& names = re.NamedCapturingGroups();
  for (size_t i = 0; i < repl.size();) {
    if (repl[i] != '$' || i + 1 >= repl.size()) {
      out->push_back(repl[i++]);
      continue;
    }
    if (repl[i + 1] == '$') {
      out->push_back('$');
      i += 2;
      continue;
    }
    std::string_view name;
    size_t next;
    if (repl[i + 1] == '{') {
      size_t close = repl.find('}', i + 2);
      if (close == std::string_view::npos) {
        out->push_back(repl[i++]);  // malformed: copied as is, like Go
        continue;
      }
      name = repl.substr(i + 2, close - i - 2);
      next = close + 1;
      bool valid = !name.empty();
      for (char c : name) valid = valid && IsNameByte(c);
      if (!valid) {
        out->push_back(repl[i++]);
        continue;
      }
    } else {
      size_t end = i + 1;
      while (end < repl.size() && IsNameByte(repl[end])) ++end;
      if (end == i + 1) {
        out->push_back(repl[i++]);
        continue;
      }
      name = repl.substr(i + 1, end - i - 1);
      next = end;
    }
    i = next;
    int index = -1;
    bool numeric = true;
    for (char c : name) numeric = numeric && c >= '0' && c <= '9';
    if (numeric) {
      if (name.size() < 10) index = std::stoi(std::string(name));
    } else if (auto it = names.find(std::string(name)); it != names.end()) {
      index = it->second;
    }
    if (index >= 0 && static_cast<size_t>(index) < groups.size() && groups[index].data()) {
      out->append(groups[index].data(), groups[index].size());
    }
  }
}

size_t RuneWidth(std::string_view s, size_t pos) {
  auto b = static_cast<unsigned char>(s[pos]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  return pos + n <= s.size() ? n : 1;
}

}  // namespace

Result<bool> RegexpMatch(std::string_view pattern, std::string_view text) {
  VIGIL_ASSIGN_OR_RETURN(auto re, Compile(pattern));
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re);
}

Result<std::string> RegexpReplaceAll(std::string_view pattern, std::string_view replacement,
                                     std::string_view text) {
  VIGIL_ASSIGN_OR_RETURN(auto re, Compile(pattern));
  re2::StringPiece input(text.data(), text.size());
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re->NumberOfCapturingGroups()) + 1);
  std::string out;
  size_t last_match_end = 0;
  size_t search = 0;
  while (search <= text.size()) {
    if (!re->Match(input, search, text.size(), RE2::UNANCHORED, groups.data(),
                   static_cast<int>(groups.size()))) {
      break;
    }
    size_t start = static_cast<size_t>(groups[0].data() - text.data());
    size_t end = start + groups[0].size();
    out.append(text.substr(last_match_end, start - last_match_end));
    // No replacement for an empty match right after the previous match (Go).
    if (end > last_match_end || start == 0) Expand(*re, replacement, groups, &out);
    last_match_end = end;
    size_t width = search < text.size() ? RuneWidth(text, search) : 1;
    search = search + width > end ? search + width : end;
  }
  if (last_match_end < text.size()) out.append(text.substr(last_match_end));
  return out;
}

}  // namespace vigil::tmpl
